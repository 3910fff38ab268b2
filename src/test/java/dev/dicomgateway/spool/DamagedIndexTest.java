package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged state/instances.sqlite: one whose header is garbage stops start-up with a message whose fix reaches the
 * operator whole; one damaged inside (its table's page) opens, and then every instance it would be asked about is
 * refused — with a log line that names the index and the fix, not only the sender's 0x0110 — and `status` still
 * shows the spool, with the index's trouble on its line.
 */
class DamagedIndexTest {
    private static final String[] FAST = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms"};

    @TempDir
    Path work;

    @Test
    void aGarbledIndexStopsStartUpWithTheFixOnStandardErrorUncut() throws Exception {
        Path spool = work.resolve("spool");
        Path index = Files.createDirectories(spool.resolve("state")).resolve("instances.sqlite");
        byte[] garbage = new byte[8192];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(index, garbage);
        Path log = work.resolve("gateway.log");
        IOException refused = assertThrows(IOException.class, () -> GatewayProcess.start(spool, log).close());
        String output = Files.readString(log);
        assertTrue(output.contains("cannot start: cannot open the delivered-instance index " + index), output);
        assertTrue(output.contains("file is not a database"), "the cause: " + output);
        assertTrue(output.contains("if the file is damaged: move it aside"), "the fix: " + output);
        assertFalse(output.contains("[cut]"), "standard error cuts lines at 200 characters: " + output);
        assertTrue(refused.getMessage().contains("exited with 1"), refused.getMessage());
    }

    @Test
    void anIndexDamagedInsideRefusesInstancesAndSaysWhyInTheLog() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, FAST)) {
            store(gateway, corpus.resolve("a1_1.dcm"));
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
        }
        try (RandomAccessFile file = new RandomAccessFile(spool.resolve("state/instances.sqlite").toFile(), "rw")) {
            file.seek(4096); // page 2: the instances table's root, its header overwritten
            file.write(new byte[] {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55});
        }
        try (LogCapture logs = new LogCapture(); Gateway gateway = TestGateway.start(spool, FAST)) {
            for (String name : List.of("b_4.dcm", "c_5.dcm")) {
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe",
                        List.of(corpus.resolve(name)));
                assertEquals(Map.of(corpus.resolve(name), "Unknown Status: 0x110"), report.responses(),
                        "nothing acknowledged that the index could not be asked about: " + report.result().output());
            }
            String text = logs.text();
            List<String> lines = text.lines().filter(l -> l.contains("cannot read the delivered-instance index")).toList();
            assertEquals(1, lines.size(), "one line a minute, not one per instance: " + text);
            assertTrue(lines.get(0).contains(spool.resolve("state/instances.sqlite").toString())
                    && lines.get(0).contains("malformed") && lines.get(0).contains("move it aside"), lines.get(0));
            assertEquals(2, text.lines().filter(l -> l.contains("refused with status 0x0110 (staging_failed): "
                    + "delivered-instance index unreadable (see the gateway log)")).count(), "the sender's error comment: " + text);
        }
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        Cli.Output status = Cli.execute("status", "--config", config.toString());
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("open studies") && status.out().contains("quarantined instances"),
                "the rest of the status, which the operator needs now: " + status.out());
        assertTrue(status.out().matches("(?s).*delivered instances\\s+unknown: cannot count the delivered-instance "
                + "index .*malformed.*move it aside.*"), status.out());
    }

    /**
     * A lost index (deleted, or emptied to 0 bytes, which SQLite takes for a new database) cannot be told from a
     * first start by the file itself, and every re-push of what was delivered is then delivered once more: start-up
     * says so when the spool has sealed studies before, and stays silent on a new spool.
     */
    @Test
    void aLostIndexIsNamedAtStartUpWhenTheSpoolSealedBefore() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path index = spool.resolve("state/instances.sqlite");
        try (LogCapture logs = new LogCapture(); Gateway gateway = TestGateway.start(spool, FAST)) {
            store(gateway, corpus.resolve("a1_1.dcm"));
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
            assertFalse(logs.text().contains("is new in a spool that sealed studies before"), "a new spool: " + logs.text());
        }
        for (boolean emptied : new boolean[] {false, true}) {
            Files.delete(index);
            if (emptied) {
                Files.createFile(index);
            }
            try (LogCapture logs = new LogCapture(); Gateway gateway = TestGateway.start(spool, FAST)) {
                assertTrue(logs.text().contains("the delivered-instance index " + index + " is new in a spool that "
                        + "sealed studies before"), (emptied ? "emptied: " : "deleted: ") + logs.text());
            }
        }
    }

    private static void store(Gateway gateway, Path file) throws Exception {
        Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(file));
        assertEquals(List.of(file), report.stored(), report.result().output());
    }
}
