package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a stop can leave in batches/ never stops the next start. */
class SpoolRecoveryTest {
    @TempDir
    Path spool;

    @Test
    void interruptedSealsAndOddBatchDirectoriesDoNotStopStartUpAndAreSetAside() throws Exception {
        Path batches = spool.resolve("batches");
        // stopped after the batch directory and its key, before the files moved in: nothing was sealed
        Path early = Files.createDirectories(batches.resolve("E1_I1_p1"));
        Files.writeString(early.resolve(".study.key.tmp"), "half written");
        // stopped after the files moved in, before the manifest: the seal is completed
        Path moved = Files.createDirectories(batches.resolve("E2_I2_p1").resolve("files").resolve("1.2.3"));
        Files.copy(Path.of("target/test-corpus/CT_small.dcm"), moved.resolve("1.2.3.4.dcm"));
        Files.writeString(batches.resolve("E2_I2_p1").resolve("study.key"), "DEFAULT\nE2\nI2\n1");
        // a directory with files but no key or manifest (what an interrupted delete used to leave)
        Files.createDirectories(batches.resolve("E3_I3_p1").resolve("files").resolve("x"));
        // a manifest that cannot be parsed (a disk error, a hand edit): it used to stop start-up
        Path corrupt = Files.createDirectories(batches.resolve("E4_I4_p1").resolve("files").resolve("1.2.3"));
        Files.copy(Path.of("target/test-corpus/CT_small.dcm"), corrupt.resolve("1.2.3.5.dcm"));
        Files.writeString(batches.resolve("E4_I4_p1").resolve("manifest.json"), "{\"batchId\": \"E4_I4_p1\", \"state\": ");
        try (Gateway gateway = TestGateway.start(spool)) {
            assertFalse(Files.exists(early), "an empty seal is removed");
            assertTrue(Files.exists(batches.resolve("E2_I2_p1").resolve("manifest.json")), "the seal is completed");
            BatchManifest manifest = BatchManifest.read(batches.resolve("E2_I2_p1").resolve("manifest.json"));
            assertEquals(1, manifest.instances.size());
            BatchManifest odd = BatchManifest.read(spool.resolve("failed/E3_I3_p1/manifest.json"));
            assertTrue(odd.failedReason.startsWith("cannot be recovered at start-up"), odd.failedReason);
            BatchManifest unreadable = BatchManifest.read(spool.resolve("failed/E4_I4_p1/manifest.json"));
            assertTrue(unreadable.failedReason.startsWith("its manifest cannot be read"), unreadable.failedReason);
            assertEquals(1, unreadable.instances.size(), "the set-aside batch describes its files");
            assertTrue(Files.exists(spool.resolve("failed/E4_I4_p1/manifest.json.unreadable")), "the bad manifest is kept");
            assertFalse(Files.exists(batches.resolve("E3_I3_p1")));
        }
    }
}
