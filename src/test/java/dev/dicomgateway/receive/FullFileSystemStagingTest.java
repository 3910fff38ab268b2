package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.ScratchFileSystem;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ENOSPC wherever staging writes — the file staged in one pass, or (when pixel mask rules make staging read the
 * pixels) the received file in tmp/ and its de-identified rewrite; a directory of the study — is answered 0xA700 Out of Resources with the Error Comment naming spool.dir, logged once with its cause
 * and where it arose, and leaves nothing behind. The spool is on a small tmpfs the test fills (as root).
 */
class FullFileSystemStagingTest {
    private static final String FULL = "spool file system full: No space left on device (spool.dir)";
    private static final int PIXEL_BYTES = 1 << 20;

    @TempDir
    Path work;

    /** A rule for another device: staging then takes the file path (a quarantine candidate could need its pixels). */
    private static final String[] PIXEL_MASKS = {"DICOM_GATEWAY_DEIDENTIFY_PIXELMASKS", "OTHER|DEVICE|480x640|0 0 640 40"};

    @Test
    void theFileStagedInOnePassNotFittingIsOutOfResources() throws Exception {
        assertOutOfResourcesWhere("size=16m", fs -> fs.fillLeaving(256 * 1024), "at StagedFile.write(");
    }

    @Test
    void theReceivedFileNotFittingIsOutOfResources() throws Exception {
        assertOutOfResourcesWhere("size=16m", fs -> fs.fillLeaving(256 * 1024), "at ReceivedFile.write(", PIXEL_MASKS);
    }

    @Test
    void theDeidentifiedRewriteNotFittingIsOutOfResources() throws Exception {
        // room for the received file (1 MiB and a header) but not for its de-identified copy beside it
        assertOutOfResourcesWhere("size=16m", fs -> fs.fillLeaving(PIXEL_BYTES + PIXEL_BYTES / 2), "at ProfileDeidentifier.",
                PIXEL_MASKS);
    }

    @Test
    void aStudyDirectoryNotFittingIsOutOfResources() throws Exception {
        // inodes for the staged file (and one to spare), none for the entity's directory
        assertOutOfResourcesWhere("size=16m,nr_inodes=400", fs -> {
            List<Path> inodes = fs.useUpInodes();
            Files.delete(inodes.get(0));
            Files.delete(inodes.get(1));
            return inodes.get(2);
        }, "at DurableFiles.createDirectories(");
    }

    private interface Filling {
        Path fill(ScratchFileSystem fs) throws Exception;
    }

    private void assertOutOfResourcesWhere(String options, Filling filling, String where, String... settings)
            throws Exception {
        try (ScratchFileSystem fs = ScratchFileSystem.mount(work.resolve("fs"), options)) {
            Path spool = fs.root().resolve("spool");
            try (LogCapture log = new LogCapture();
                 Gateway gateway = TestGateway.start(spool, java.util.stream.Stream.concat(java.util.stream.Stream.of(
                         "DICOM_GATEWAY_SPOOL_RESERVEBYTES", "0",
                         "DICOM_GATEWAY_DESTINATION_LOCAL_DIR", work.resolve("bucket").toString(),
                         "DICOM_GATEWAY_METADATA_LOCAL_DIR", work.resolve("metadata").toString()), Stream.of(settings))
                         .toArray(String[]::new))) {
                filling.fill(fs);
                RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE);
                StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.826.0.1.3680043.10.546.1.1",
                        DataSets.ct("1.2.826.0.1.3680043.10.546.1.1", "PATIENT-FULL", "1.2.826.0.1.3680043.10.546.1",
                                "1.2.826.0.1.3680043.10.546.1.2", PIXEL_BYTES));
                StoreCall.release(scu);
                assertEquals(0xA700, answer.status(), answer.errorComment());
                assertEquals(FULL, answer.errorComment());
                String refusal = log.text().lines().filter(l -> l.contains("refused with status 0xA700")).findFirst()
                        .orElseThrow(() -> new AssertionError("no refusal logged: " + log.text()));
                assertTrue(refusal.contains("(disk_full): " + FULL + " (cause: "), refusal);
                assertTrue(refusal.contains("No space left on device") && refusal.contains(where), refusal);
                assertTrue(!refusal.contains("PATIENT-FULL"), refusal);
                assertTrue(gateway.registry().scrape().contains("reason=\"disk_full\"} 1.0"));
            }
            for (String area : List.of("tmp", "incoming")) {
                try (Stream<Path> left = Files.walk(spool.resolve(area))) {
                    assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing left in " + area);
                }
            }
        }
    }
}
