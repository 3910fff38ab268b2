package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Drip;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timeouts are deadlines a slow peer cannot stretch: the A-ASSOCIATE-RQ must be complete within
 * dicom.associationRequestTimeout of the connection, and an association must make real progress (a command, a
 * whole data set, 16 KiB of one) within every dicom.idleTimeout.
 */
class ProtocolDeadlinesTest {
    private static final String STUDY = "1.2.3.4.5";
    private static final String SERIES = "1.2.3.4.5.6";
    private static final Duration DRIP_INTERVAL = Duration.ofMillis(300);

    @TempDir
    Path spool;

    @Test
    void associationRequestSentByteByByteIsClosedAtTheDeadline() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ASSOCIATIONREQUESTTIMEOUT", "1s");
             RawScu dripper = RawScu.connect(gateway.dicomPort());
             Drip drip = Drip.every(DRIP_INTERVAL, dripper, Drip.byteByByte(request()))) {
            long started = System.nanoTime();
            assertTrue(dripper.closedByPeer(), "closed by the gateway");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 900 && millis < 2_500, "closed after " + millis + " ms, not about 1 s");
            assertTrue(drip.sent() >= 3, "the peer kept sending: " + drip.sent() + " bytes");
            awaitCounted(gateway, "result=\"request_timeout\"} 1.0");
        }
    }

    @Test
    void peersDrippingAssociationRequestsDoNotLockOutALegitimateSender() throws Exception {
        // 2 associations + the listener's margin of 16 negotiating connections = 18 connections fill every place
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ASSOCIATIONREQUESTTIMEOUT", "1s",
                "DICOM_GATEWAY_DICOM_MAXASSOCIATIONS", "2", "DICOM_GATEWAY_DICOM_MAXASSOCIATIONSPERPEER", "100")) {
            List<RawScu> drippers = new ArrayList<>();
            List<Drip> drips = new ArrayList<>();
            try {
                for (int i = 0; i < 18; i++) {
                    RawScu dripper = RawScu.connect(gateway.dicomPort());
                    drippers.add(dripper);
                    drips.add(Drip.every(DRIP_INTERVAL, dripper, Drip.byteByByte(request())));
                }
                long started = System.nanoTime();
                RawScu legitimate = associateWithin(gateway, Duration.ofSeconds(5));
                long millis = (System.nanoTime() - started) / 1_000_000;
                legitimate.send(RawScu.releaseRequest());
                assertEquals(0x06, legitimate.read().type(), "A-RELEASE-RP");
                legitimate.close();
                assertTrue(millis < 2_500, "accepted only after " + millis + " ms");
                Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
                assertEquals(0, echo.exitCode(), echo.output());
            } finally {
                for (Drip drip : drips) {
                    drip.close();
                }
                for (RawScu dripper : drippers) {
                    dripper.close();
                }
            }
        }
    }

    @Test
    void emptyPDataPdusDoNotKeepAnAssociationAlive() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "1s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "EMPTYPDATA")) {
            byte[] emptyPData = {0x04, 0, 0, 0, 0, 0};
            assertAbortedAfterIdleTimeout(gateway, scu, i -> emptyPData);
        }
    }

    @Test
    void oneByteDataFragmentsDoNotKeepAnAssociationAlive() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "1s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "ONEBYTE")) {
            byte[] dataSet = DataSets.ct("1.2.3.77", "P1", STUDY, SERIES, 1000);
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.77")));
            assertAbortedAfterIdleTimeout(gateway, scu,
                    i -> i < dataSet.length ? RawScu.pData(false, false, new byte[] {dataSet[i]}) : null);
            awaitCounted(gateway, "reason=\"incomplete\"} 1.0");
        }
    }

    @Test
    void aSlowTransferThatMakesProgressIsNotAborted() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "1s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "SLOWBUTREAL")) {
            byte[] dataSet = DataSets.ct("1.2.3.78", "P1", STUDY, SERIES, 120_000);
            int chunk = 20_000;
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.78")));
            for (int offset = 0; offset < dataSet.length; offset += chunk) {
                Thread.sleep(400); // 2.4 s in all: longer than the idle timeout, but 20 KB every 0.4 s is progress
                int end = Math.min(dataSet.length, offset + chunk);
                scu.send(RawScu.pData(false, end == dataSet.length, Arrays.copyOfRange(dataSet, offset, end)));
            }
            RawScu.Pdu response = scu.read();
            assertEquals(0x04, response.type(), "a C-STORE-RSP, not an A-ABORT");
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(response.body())));
        }
    }

    /** Drips {@code pieces} every 200 ms and expects the gateway's A-ABORT about one idle timeout (1 s) later. */
    private static void assertAbortedAfterIdleTimeout(Gateway gateway, RawScu scu, IntFunction<byte[]> pieces)
            throws Exception {
        long started = System.nanoTime();
        try (Drip drip = Drip.every(Duration.ofMillis(200), scu, pieces)) {
            RawScu.Pdu answer = scu.read();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0x07, answer.type(), "A-ABORT");
            assertTrue(millis >= 900 && millis < 2_500, "aborted after " + millis + " ms, not about 1 s");
            assertTrue(drip.sent() >= 4, "the peer kept sending: " + drip.sent() + " PDUs");
        }
        awaitCounted(gateway, "result=\"idle_timeout\"} 1.0");
    }

    private static RawScu associateWithin(Gateway gateway, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "LEGITIMATE");
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never accepted within " + limit, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static byte[] request() {
        return RawScu.associateRequest(TestGateway.AE_TITLE, "DRIPPER", RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE);
    }

    static void awaitCounted(Gateway gateway, String line) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!gateway.registry().scrape().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never counted " + line + ":\n" + gateway.registry().scrape());
            }
            Thread.sleep(20);
        }
    }
}
