package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free space on the spool's file system against spool.minFreeBytes (one statvfs call per question). */
public final class DiskSpace {
    private final FileStore store;
    private final long minFreeBytes;

    /** An IOException that names spool.dir and the fix when the file system of {@code spoolDirectory} cannot be found. */
    public DiskSpace(Path spoolDirectory, long minFreeBytes) throws IOException {
        try {
            this.store = Files.getFileStore(spoolDirectory);
        } catch (IOException e) {
            throw new IOException("spool.dir " + spoolDirectory + ": cannot resolve its file system (" + e.getMessage()
                    + "); the gateway reads /proc/mounts for the free-space check: it must be visible to the service "
                    + "(no ProcSubset=pid in a systemd unit) and spool.dir must be on a mounted file system", e);
        }
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
