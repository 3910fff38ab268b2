package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a contained, precise answer, is counted, leaves no partial file, and the gateway goes on
 * serving the next association.
 */
class BadInputTest {
    private static final String STUDY = "1.2.3.4.5";
    private static final String SERIES = "1.2.3.4.5.6";

    @TempDir
    Path root;

    private Path spool() {
        return root.resolve("spool");
    }

    @Test
    void garbageBytesAreAbortedWithoutDisturbingAConcurrentAssociation() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool());
             RawScu concurrent = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "CONCURRENT")) {
            concurrent.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.88")));
            byte[] dataSet = DataSets.ct("1.2.3.88", "P1", STUDY, SERIES, 100_000);
            concurrent.send(RawScu.pData(false, false, Arrays.copyOf(dataSet, 50_000)));
            try (RawScu http = RawScu.connect(gateway.dicomPort())) {
                http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                RawScu.Pdu answer = http.read();
                assertEquals(0x07, answer.type(), "A-ABORT");
                assertEquals(1, answer.body()[3], "reason: unrecognized PDU");
            }
            concurrent.send(RawScu.pData(false, true, Arrays.copyOfRange(dataSet, 50_000, dataSet.length)));
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(concurrent.read().body())), "the concurrent store completes");
            assertServing(gateway);
            assertTrue(gateway.registry().scrape().contains("result=\"invalid_request\"} 1.0"));
        }
    }

    @Test
    void truncatedPduAndDroppedConnectionLeaveNothingBehind() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool())) {
            try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "TRUNCATE")) {
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.99")));
                byte[] data = RawScu.pData(false, false, DataSets.ct("1.2.3.99", "P1", STUDY, SERIES, 40_000));
                scu.send(Arrays.copyOf(data, data.length / 2)); // the PDU header promises more than comes
            }
            awaitRejected(gateway, "incomplete", 1);
            assertServing(gateway);
            assertNoStagedOrTemporaryFiles();
        }
    }

    @Test
    void senderThatStopsMidTransferIsAbortedAfterIdleTimeout() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool(), "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "500ms");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "STALLER")) {
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.98")));
            scu.send(RawScu.pData(false, false, DataSets.ct("1.2.3.98", "P1", STUDY, SERIES, 1000)));
            long started = System.nanoTime();
            RawScu.Pdu answer = scu.read();
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0x07, answer.type(), "A-ABORT after the idle timeout");
            assertTrue(waitedMillis < 5_000, "aborted after " + waitedMillis + " ms");
            awaitRejected(gateway, "incomplete", 1);
            assertTrue(gateway.registry().scrape().contains("result=\"idle_timeout\"} 1.0"));
            assertNoStagedOrTemporaryFiles();
        }
    }

    @Test
    void sameSopInstanceUidTwiceIsStoredOnceAndCounted() throws Exception {
        Path file = Files.write(root.resolve("ct.dcm"), part10Ct("1.2.3.87"));
        try (Gateway gateway = TestGateway.startPassthrough(spool())) {
            for (int i = 0; i < 2; i++) {
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", java.util.List.of(file));
                assertEquals(java.util.List.of(file), report.stored(), report.result().output());
            }
            assertEquals(1, StoreCorpusTest.countFiles(spool().resolve("incoming"), ".dcm"));
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_instances_duplicate_total{gateway=\"gw-1\",stage=\"open\"} 1.0"));
        }
    }

    @Test
    void dataSetWithoutSopInstanceUidIsRefused() throws Exception {
        byte[] noSopInstance = DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                .text(0x0010, 0x0020, "LO", "P1")
                .text(0x0020, 0x000D, "UI", STUDY)
                .text(0x0020, 0x000E, "UI", SERIES)
                .pixelData(64).toByteArray();
        assertEquals(0xC001, storeRaw("1.2.3.97", noSopInstance));
        assertNoStagedOrTemporaryFiles();
    }

    @Test
    void unparseableDataSetIsRefused() throws Exception {
        byte[] garbage = new byte[4096];
        Arrays.fill(garbage, (byte) 0xEE); // tag (EEEE,EEEE) with an impossible VR and length
        assertEquals(0xC000, storeRaw("1.2.3.96", garbage));
        assertNoStagedOrTemporaryFiles();
    }

    @Test
    void dataSetWhoseUidDiffersFromTheCommandIsRefused() throws Exception {
        assertEquals(0xC003, storeRaw("1.2.3.95", DataSets.ct("1.2.3.94", "P1", STUDY, SERIES, 64)));
        assertNoStagedOrTemporaryFiles();
    }

    @Test
    void pathTraversalUidsAreRefusedAndNothingIsWrittenOutsideTheSpool() throws Exception {
        assertEquals(0xC002, storeRaw("../../x", DataSets.ct("../../x", "P1", STUDY, SERIES, 64)));
        assertEquals(0xC002, storeRaw("1.2.3.93", DataSets.ct("1.2.3.93", "P1", "../../../study", SERIES, 64)));
        assertEquals(0xC002, storeRaw("1.2.3.92", DataSets.ct("1.2.3.92", "P1", STUDY, "/etc/passwd", 64)));
        // a hostile PatientID never becomes a path: passthrough names the entity by a keyed digest
        assertEquals(0x0000, storeRaw("1.2.3.91", DataSets.ct("1.2.3.91", "../../../../evil/..", STUDY, SERIES, 64)));
        try (Stream<Path> everything = Files.walk(root)) {
            assertEquals(java.util.List.of(), everything.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(spool().resolve("incoming/DEFAULT")))
                    .filter(p -> !p.startsWith(spool().resolve("private")))
                    .filter(p -> !(p.getParent().equals(spool().resolve("state"))
                            && p.getFileName().toString().startsWith("instances.sqlite")))
                    .filter(p -> !p.equals(spool().resolve("state/delivery-reserve")))
                    .filter(p -> !p.equals(spool().resolve(".lock"))).toList(), "files outside incoming/DEFAULT");
        }
        try (Stream<Path> staged = Files.walk(spool().resolve("incoming/DEFAULT"))) {
            java.util.List<Path> files = staged.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().endsWith(".summary")).toList(); // the staged file's sidecar beside it
            assertEquals(1, files.size(), files.toString());
            assertTrue(spool().resolve("incoming/DEFAULT").relativize(files.get(0)).toString()
                    .matches("E[A-Z2-7]{13}/I[A-Z2-7]{13}/2\\.25\\.[0-9]+/2\\.25\\.[0-9]+\\.dcm"), files.toString());
        }
    }

    @Test
    void diskBelowThresholdAnswersOutOfResourcesAndStoresNothing() throws Exception {
        Path file = Files.write(root.resolve("ct.dcm"), part10Ct("1.2.3.90"));
        try (Gateway gateway = TestGateway.startPassthrough(spool(), "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "1000TiB")) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", java.util.List.of(file));
            assertEquals("Refused: OutOfResources", report.responses().get(file), report.result().output());
            assertTrue(gateway.registry().scrape().contains("reason=\"disk_low\"} 1.0"));
        }
        assertNoStagedOrTemporaryFiles();
    }

    @Test
    void stagingFailureReachesTheSenderAsFailureStatusWithinASecond() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool())) {
            // a regular file where the collection's directory must go: every staging attempt fails with an I/O error
            Files.write(spool().resolve("incoming").resolve("DEFAULT"), new byte[] {1});
            try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "INJECT")) {
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.89")));
                scu.send(RawScu.dataSetPdus(DataSets.ct("1.2.3.89", "P1", STUDY, SERIES, 200_000)));
                long sent = System.nanoTime();
                RawScu.Pdu response = scu.read();
                long millis = (System.nanoTime() - sent) / 1_000_000;
                assertEquals(0x04, response.type(), "a C-STORE-RSP, not silence");
                assertEquals(0x0110, RawScu.status(RawScu.pdvData(response.body())));
                assertTrue(millis < 1000, "answered after " + millis + " ms");
            }
            assertTrue(gateway.registry().scrape().contains("reason=\"staging_failed\"} 1.0"));
            assertServing(gateway);
        }
        try (Stream<Path> tmp = Files.list(spool().resolve("tmp"))) {
            assertEquals(0, tmp.count(), "temporary file removed after the failure");
        }
    }

    /** Sends one C-STORE with {@link RawScu}; returns the status of the response. */
    private int storeRaw(String commandSopInstanceUid, byte[] dataSet) throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool());
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "RAWSCU")) {
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(7, RawScu.CT_IMAGE_STORAGE, commandSopInstanceUid)));
            scu.send(RawScu.pData(false, true, dataSet));
            RawScu.Pdu response = scu.read();
            assertEquals(0x04, response.type());
            byte[] command = RawScu.pdvData(response.body());
            assertEquals(0x8001, RawScu.commandField(command));
            return RawScu.status(command);
        }
    }

    private static byte[] part10Ct(String sopInstanceUid) {
        byte[] dataSet = DataSets.ct(sopInstanceUid, "P1", STUDY, SERIES, 512);
        byte[] meta = new dev.dicomgateway.dicom.FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sopInstanceUid,
                RawScu.EXPLICIT_LE, "TEST").encode();
        byte[] file = Arrays.copyOf(meta, meta.length + dataSet.length);
        System.arraycopy(dataSet, 0, file, meta.length, dataSet.length);
        return file;
    }

    private static void assertServing(Gateway gateway) throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
        assertEquals(0, echo.exitCode(), "gateway still serving: " + echo.output());
    }

    private static void awaitRejected(Gateway gateway, String reason, int count) throws InterruptedException {
        String line = "reason=\"" + reason + "\"} " + count + ".0";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!gateway.registry().scrape().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never counted " + line + ":\n" + gateway.registry().scrape());
            }
            Thread.sleep(20);
        }
    }

    private void assertNoStagedOrTemporaryFiles() throws IOException {
        assertEquals(0, StoreCorpusTest.countFiles(spool().resolve("incoming"), ".dcm"), "nothing staged");
        assertEquals(0, StoreCorpusTest.countFiles(spool().resolve("tmp"), ""), "no temporary file");
        assertFalse(Files.exists(root.resolve("x")), "nothing written outside the spool");
    }
}
