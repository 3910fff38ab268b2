package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dicom.allowedPeers with real peers from 127.0.0.1: dcmtk's echoscu inside the list associates; outside it, it is
 * closed without an A-ASSOCIATE response and counted, and a raw sender's PDU is never answered.
 */
class AllowedPeersTest {
    private static final String REJECTED = "result=\"rejected_peer_not_allowed\"}";
    @TempDir
    Path spool;

    @Test
    void echoscuFromAnAllowedAddressAssociates() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "127.0.0.1/32")) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(echo.output().contains("Association Accepted"), echo.output());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());
            assertTrue(gateway.registry().scrape().contains(REJECTED + " 0.0"), gateway.registry().scrape());
        }
    }

    @Test
    void echoscuFromOutsideTheListIsClosedWithoutAnAssociateResponseAndCounted() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "10.0.0.0/8")) {
            assertTrue(gateway.registry().scrape().contains(REJECTED + " 0.0"), "the series exists before the first refusal");
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertTrue(echo.exitCode() != 0, echo.output());
            assertFalse(echo.output().contains("Association Accepted"), echo.output());
            assertFalse(echo.output().contains("Association Rejected"), "no A-ASSOCIATE-RJ either:\n" + echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, REJECTED + " 1.0");
            Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            ProtocolDeadlinesTest.awaitCounted(gateway, REJECTED + " 2.0");
            assertTrue(gateway.registry().scrape().contains("result=\"released\"} 0.0"), gateway.registry().scrape());
        }
    }

    @Test
    void aPduFromOutsideTheListIsNeverAnswered() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "10.0.0.0/8, fd00::/8");
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.dicomPort())) {
            socket.setSoTimeout(5_000);
            byte[] request = RawScu.associateRequest(TestGateway.AE_TITLE, "RAWSCU", RawScu.CT_IMAGE_STORAGE,
                    RawScu.EXPLICIT_LE);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (SocketException alreadyClosed) {
                // the gateway may have closed before the request arrived: that is the point
            }
            ByteArrayOutputStream answered = new ByteArrayOutputStream();
            boolean closed = readUntilClosed(socket.getInputStream(), answered);
            assertEquals(0, answered.size(), "no byte answered to a peer outside dicom.allowedPeers");
            assertTrue(closed, "the connection is closed by the gateway, not left open");
            ProtocolDeadlinesTest.awaitCounted(gateway, REJECTED + " 1.0");
        }
    }

    /**
     * The decision needs no byte from the peer: a sender outside the list that connects and sends nothing is closed
     * at once, long before dicom.associationRequestTimeout would end a silent connection.
     */
    @Test
    void aSilentPeerFromOutsideTheListIsClosedWithoutWaitingForItsRequest() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "10.0.0.0/8",
                "DICOM_GATEWAY_DICOM_ASSOCIATIONREQUESTTIMEOUT", "60s");
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.dicomPort())) {
            socket.setSoTimeout(3_000);
            ByteArrayOutputStream answered = new ByteArrayOutputStream();
            assertTrue(readUntilClosed(socket.getInputStream(), answered), "closed within 3 s without a byte sent");
            assertEquals(0, answered.size());
            ProtocolDeadlinesTest.awaitCounted(gateway, REJECTED + " 1.0");
        }
    }

    /** Reads everything the gateway sends until it closes (true) or the socket's timeout passes without a close (false). */
    private static boolean readUntilClosed(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                into.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }
}
