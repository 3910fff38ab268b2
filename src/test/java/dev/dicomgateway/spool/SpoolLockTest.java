package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Dcmtk;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's lock as another process sees it (Python's fcntl, not this JVM): held while this process owns the
 * spool, whatever this process asks about it meanwhile — POSIX drops a process's lock when it closes any descriptor
 * of the file, so asking must never open the file again — and free once it lets go.
 */
class SpoolLockTest {
    /** Exits 0 if it could lock the file (nobody holds it), 1 if it is held; prints the file's text. */
    private static final String PROBE = "import fcntl, sys\n"
            + "f = open(sys.argv[1], 'r+')\n"
            + "print(f.read().strip())\n"
            + "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n    sys.exit(1)\n";

    @TempDir
    Path dir;

    @Test
    void theLockHoldsAgainstOtherProcessesWhateverThisOneAsksAndGoesWithClose() throws Exception {
        SpoolLayout layout = new SpoolLayout(dir.resolve("spool"));
        Path file = layout.root().resolve(SpoolLock.FILE_NAME);
        SpoolLock lock = SpoolLock.acquire(layout, "run");
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), SpoolLock.tryAcquire(layout, "import"), "taken once per spool");
            Optional<String> owner = SpoolLock.owner(layout);
            assertTrue(owner.isPresent() && owner.get().startsWith(ProcessHandle.current().pid() + " dicom-gateway run since "),
                    owner.toString());
        }
        SpoolInUseException refused = org.junit.jupiter.api.Assertions.assertThrows(SpoolInUseException.class,
                () -> SpoolLock.acquire(layout, "run"));
        assertTrue(refused.getMessage().startsWith("spool " + layout.root() + " is in use by process "
                + ProcessHandle.current().pid() + " (dicom-gateway run since "), refused.getMessage());
        Dcmtk.Result held = probe(file);
        assertEquals(1, held.exitCode(), "another process cannot take it: " + held.output());
        assertTrue(held.output().startsWith(ProcessHandle.current().pid() + " dicom-gateway run since "), held.output());
        lock.close();
        assertEquals(0, probe(file).exitCode(), "free once closed");
        assertEquals(Optional.empty(), SpoolLock.owner(layout));
        SpoolLock.acquire(layout, "import").close();
    }

    private static Dcmtk.Result probe(Path file) throws Exception {
        return Dcmtk.run(List.of("/usr/bin/python3", "-c", PROBE, file.toString()));
    }
}
