package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free space on the spool's file system against spool.minFreeBytes (one statvfs call per question). */
public final class DiskSpace {
    private final FileStore store;
    private final long minFreeBytes;

    public DiskSpace(Path spoolDirectory, long minFreeBytes) throws IOException {
        this.store = Files.getFileStore(spoolDirectory);
        this.minFreeBytes = minFreeBytes;
    }

    public long usableBytes() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** True when free space is below spool.minFreeBytes: stop accepting new instances. */
    public boolean isLow() {
        return usableBytes() < minFreeBytes;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }
}
