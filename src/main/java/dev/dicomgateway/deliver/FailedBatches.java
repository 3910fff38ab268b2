package dev.dicomgateway.deliver;

import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.DurableFiles;
import dev.dicomgateway.spool.SpoolInventory;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Batches that failed permanently: listing them, and putting them back for delivery once the cause is fixed. */
public final class FailedBatches {
    private final SpoolLayout layout;

    public FailedBatches(SpoolLayout layout) {
        this.layout = layout;
    }

    public List<BatchManifest> list() throws IOException {
        return SpoolInventory.manifests(layout.failed());
    }

    /** Moves {@code batchId} back to batches/ with a fresh retry budget; the running gateway picks it up. */
    public void retry(String batchId) throws IOException {
        Path batch = layout.failed().resolve(batchId);
        if (!Files.isDirectory(batch) || !batch.getParent().equals(layout.failed())) {
            throw new IOException("no failed batch " + batchId + " in " + layout.failed());
        }
        BatchManifest manifest = BatchManifest.read(batch.resolve(BatchManifest.FILE_NAME));
        manifest.attempts = 0;
        manifest.failedReason = null;
        manifest.nextAttemptAt = null;
        manifest.write(batch.resolve(BatchManifest.FILE_NAME));
        Files.move(batch, layout.batches().resolve(batchId), StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(layout.batches());
        DurableFiles.syncDirectory(layout.failed());
    }
}
