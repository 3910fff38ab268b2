package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Bytes of deliverable data the spool holds (open studies, batches, failed batches), kept up to date as instances
 * are staged and batches cleaned up, so back-pressure never has to walk the spool.
 */
public final class SpoolUsage {
    private final AtomicLong bytes = new AtomicLong();

    /** Sets the count to what was found by walking the spool (start-up, and after an import). */
    void set(long total) {
        bytes.set(total);
    }

    /** Bytes of the regular files under {@code directories}. */
    public static long bytesUnder(Path... directories) throws IOException {
        long total = 0;
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(directory)) {
                total += files.filter(Files::isRegularFile).mapToLong(SpoolUsage::size).sum();
            }
        }
        return total;
    }

    public void add(long delta) {
        bytes.addAndGet(delta);
    }

    public long bytes() {
        return bytes.get();
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // removed while counting
        }
    }
}
