package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.TestGateway;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * §7/§10: "Recovery of any one odd batch directory is logged and left for an operator; it never stops the gateway
 * from starting." A seal record (study.key) of 3 GiB — a sparse file, no disk space — is read whole with
 * Files.readString, which throws OutOfMemoryError ("Required array size too large") at once; StudySealer.recover
 * catches Throwable but rethrows VirtualMachineErrors, so start-up fails. (A manifest.json or a state/parts counter
 * of that size is read the same way.)
 */
class PlantedSpoolTest {
    @TempDir
    Path root;

    @Test
    void aHugeSealRecordDoesNotStopStartUp() throws Exception {
        Path spool = root.resolve("spool");
        Path batch = Files.createDirectories(spool.resolve("batches/EPLANTED_IPLANTED_p1/files"));
        try (RandomAccessFile key = new RandomAccessFile(batch.getParent().resolve("study.key").toFile(), "rw")) {
            key.setLength(3L << 30);
        }
        Throwable failure = null;
        try (Gateway gateway = TestGateway.start(spool)) {
            // started: the odd batch was set aside
        } catch (Throwable e) {
            failure = e;
        }
        assertTrue(failure == null, "start-up failed: " + failure);
        assertTrue(Files.exists(spool.resolve("failed/EPLANTED_IPLANTED_p1")), "set aside in failed/");
    }
}
