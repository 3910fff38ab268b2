package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `import DIR` feeds a folder through de-identification and the spool: beside a running gateway (here in this JVM)
 * by handing the files to it, without one by owning the spool itself; the gateway delivers them.
 */
class FolderImportTest {
    @TempDir
    Path work;

    @Test
    void importedFolderIsDeidentifiedAndDeliveredByTheRunningGateway() throws Exception {
        Path folder = work.resolve("archive");
        RelationshipCorpus.make(folder);
        Files.writeString(folder.resolve("README.txt"), "not DICOM");
        Path spool = work.resolve("spool");
        Path config = Files.writeString(work.resolve("gateway.yaml"), String.join("\n",
                "spool:", "  dir: " + spool, "deidentify:", "  secretFile: " + spool.resolve("private/deidentify.key"), ""));
        try (Gateway gateway = TestGateway.start(spool, EndToEndDeliveryTest.FAST)) {
            Cli.Output output = Cli.execute("import", "--config", config.toString(), folder.toString());
            assertEquals(3, output.exitCode(), "exit 3 when some files were skipped: " + output.out() + output.err());
            assertTrue(output.out().contains("staged 5 instance(s)"), output.out());
            assertTrue(output.out().contains("skipped 1: not a DICOM Part 10 file"), output.out());
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 5);
            Thread.sleep(500); // the last batch's clean-up
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_spool_bytes{gateway=\"gw-1\"} 0.0"),
                    "imported bytes are counted when picked up and uncounted when delivered: "
                            + gateway.registry().scrape().lines().filter(l -> l.startsWith("dicom_gateway_spool_bytes")).toList());
        }
        assertEquals(3, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size(), "three studies");
        List<String> calling = Delivered.rows(TestGateway.metadataOf(spool)).stream()
                .map(r -> r.get("calling_ae").asText()).distinct().toList();
        assertEquals(List.of("IMPORT"), calling);
        byte[] archives = Files.readAllBytes(Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").get(0));
        assertTrue(archives.length > 0);
        assertTrue(Files.exists(folder.resolve("a1_1.dcm")), "the source folder is left as it was");
        assertEquals(List.of(), listing(spool.resolve("inbox")), "the hand-in is gone once its outcome was read");
    }

    /** With no gateway on the spool, import owns it, stages alone and lets it go; the next start delivers. */
    @Test
    void importWithNoGatewayStagesAloneAndTheNextStartDelivers() throws Exception {
        Path folder = work.resolve("archive");
        RelationshipCorpus.make(folder);
        Path spool = Files.createDirectories(work.resolve("spool")); // import refuses a spool that does not exist
        Path config = Files.writeString(work.resolve("gateway.yaml"), String.join("\n",
                "spool:", "  dir: " + spool, "deidentify:", "  secretFile: " + spool.resolve("private/deidentify.key"), ""));
        Cli.Output output = Cli.execute("import", "--config", config.toString(), folder.toString());
        assertEquals(0, output.exitCode(), output.out() + output.err());
        assertTrue(output.out().contains("staged 5 instance(s)"), output.out());
        assertTrue(output.out().contains("no gateway runs on this spool"), output.out());
        assertEquals(java.util.Optional.empty(), dev.dicomgateway.spool.SpoolLock.owner(new dev.dicomgateway.spool.SpoolLayout(spool)),
                "the import let the spool go");
        assertEquals(List.of(), listing(spool.resolve("inbox")), "nothing was handed in");
        try (Gateway gateway = TestGateway.start(spool, EndToEndDeliveryTest.FAST)) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 5);
        }
        assertEquals(3, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size(), "three studies");
    }

    private static List<Path> listing(Path directory) throws Exception {
        try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }
}
