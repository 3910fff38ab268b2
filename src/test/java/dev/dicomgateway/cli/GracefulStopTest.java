package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM as systemd sends it, to the real gateway process: the port closes at once, an association in flight
 * finishes (every instance acknowledged and, after a restart, delivered), one that outlasts dicom.shutdownTimeout is
 * aborted without staging its partial instance, and the process exits 0 either way.
 */
class GracefulStopTest {
    private static final String STUDY = "1.2.826.0.1.3680043.10.771.1";
    private static final String SERIES = STUDY + ".1";
    private static final String SENDER = "MODALITY";

    @TempDir
    Path dir;

    @Test
    void anAssociationInFlightAtSigtermCompletesAndIsDeliveredAndTheProcessExits0() throws Exception {
        Path spool = dir.resolve("spool");
        Path log = dir.resolve("gateway.log");
        byte[] first = DataSets.ct(STUDY + ".1.1", "PAT-STOP", STUDY, SERIES, 100_000);
        byte[] second = DataSets.ct(STUDY + ".1.2", "PAT-STOP", STUDY, SERIES, 100_000);
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h")) {
            try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, SENDER)) {
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, STUDY + ".1.1")));
                scu.send(RawScu.pData(false, false, Arrays.copyOf(first, 32_000))); // mid-data-set at the signal

                gateway.signal("TERM");
                awaitLine(log, "stopping: 1 associations in flight, waiting up to 5s");
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", gateway.dicomPort()).close(),
                        "the port is closed as soon as the stop begins");

                scu.send(RawScu.dataSetPdus(Arrays.copyOfRange(first, 32_000, first.length)));
                assertEquals(0x0000, storeStatus(scu), "the instance in flight at SIGTERM");
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(2, RawScu.CT_IMAGE_STORAGE, STUDY + ".1.2")));
                scu.send(RawScu.dataSetPdus(second));
                assertEquals(0x0000, storeStatus(scu), "an instance sent after SIGTERM on the open association");
                scu.send(RawScu.releaseRequest());
                assertEquals(0x06, scu.read().type(), "A-RELEASE-RP");
            }
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(20)), "exit status after SIGTERM");
        }
        String text = Files.readString(log);
        assertTrue(text.contains("outcome=released"), text);
        assertTrue(text.contains(" stopped"), text);
        assertEquals(2, StagedFiles.under(spool).size(), "both acknowledged instances are staged");

        try (GatewayProcess restarted = GatewayProcess.start(spool, log, "DICOM_GATEWAY_STUDY_STABLEAFTER", "500ms")) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
        }
    }

    @Test
    void anAssociationThatOutlastsTheShutdownTimeoutIsAbortedAndItsPartialInstanceIsNotStaged() throws Exception {
        Path spool = dir.resolve("spool");
        Path log = dir.resolve("gateway.log");
        byte[] dataSet = DataSets.ct(STUDY + ".2.1", "PAT-SLOW", STUDY, SERIES, 100_000);
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_DICOM_SHUTDOWNTIMEOUT", "2s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, SENDER)) {
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, STUDY + ".2.1")));
            scu.send(RawScu.pData(false, false, Arrays.copyOf(dataSet, 32_000))); // and never the rest
            awaitPartialFile(spool);

            long signalled = System.nanoTime();
            gateway.signal("TERM");
            int exit = gateway.awaitExit(Duration.ofSeconds(15));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            assertEquals(0, exit, "exit status after an aborted drain");
            assertTrue(took.compareTo(Duration.ofMillis(1_900)) >= 0, "waited dicom.shutdownTimeout first: " + took);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "stopped within the bound: " + took);
            assertTrue(scu.closedByPeer(), "the held association is closed");
        }
        String text = Files.readString(log);
        assertTrue(text.contains("stopping: aborted 1 association(s) still open after 2s (dicom.shutdownTimeout)"), text);
        assertEquals(0, StagedFiles.under(spool).size(), "the partial instance is not staged");
        assertEquals(0, filesIn(spool.resolve("tmp")), "the partial file is deleted, not left for the next start");
    }

    @Test
    void aSecondSigtermEndsTheWaitAtOnceAndStillExits0() throws Exception {
        Path spool = dir.resolve("spool");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_DICOM_SHUTDOWNTIMEOUT", "60s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, SENDER)) {
            gateway.signal("TERM");
            awaitLine(log, "stopping: 1 associations in flight, waiting up to 60s");
            long second = System.nanoTime();
            gateway.signal("TERM");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(15)), "exit status after two SIGTERMs");
            Duration took = Duration.ofNanos(System.nanoTime() - second);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the second SIGTERM did not wait 60s: " + took);
        }
        assertTrue(Files.readString(log).contains("aborted 1 association(s) still open at a second stop signal"),
                Files.readString(log));
    }

    private static int storeStatus(RawScu scu) throws IOException {
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type(), "P-DATA-TF with the C-STORE-RSP");
        return RawScu.status(RawScu.pdvData(response.body()));
    }

    static void awaitLine(Path log, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.readString(log).contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line \"" + line + "\" in the gateway's log:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the transfer's partial file is in the spool's tmp/ (so the gateway has really begun the instance). */
    private static void awaitPartialFile(Path spool) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (filesIn(spool.resolve("tmp")) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no partial file in " + spool.resolve("tmp"));
            }
            Thread.sleep(20);
        }
    }

    private static long filesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
