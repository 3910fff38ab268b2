package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool whose file system cannot be found stops the start with a message naming spool.dir, the path and the fix. */
class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void anUnresolvableFileSystemNamesSpoolDirAndThePath() {
        Path missing = dir.resolve("gone");
        IOException e = assertThrows(IOException.class, () -> new DiskSpace(missing, 0));
        assertTrue(e.getMessage().startsWith("spool.dir " + missing + ": cannot resolve its file system ("), e.getMessage());
        assertTrue(e.getMessage().contains("/proc/mounts") && e.getMessage().contains("ProcSubset=pid"), e.getMessage());
    }
}
