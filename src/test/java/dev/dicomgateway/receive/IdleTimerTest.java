package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * §11: "Only progress restarts the idle timeout". A C-CANCEL-RQ is a complete command, so it counts as progress,
 * though for a storage SCP it does nothing (Association.onCommand ignores it and sends no response). 54 bytes (one P-DATA-TF) per
 * idle timeout hold an association — and with 16 per peer, 16 of the 32 places — for as long as the peer likes.
 */
class IdleTimerTest {
    @TempDir
    Path root;

    private static void implicitUs(ByteArrayOutputStream out, int element, int value) {
        out.writeBytes(new byte[] {0, 0, (byte) element, (byte) (element >>> 8), 2, 0, 0, 0, (byte) value, (byte) (value >>> 8)});
    }

    static byte[] cancelCommand(int messageId) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        implicitUs(rest, 0x0100, 0x0FFF);
        implicitUs(rest, 0x0120, messageId);
        implicitUs(rest, 0x0800, 0x0101);
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        int length = rest.size();
        command.writeBytes(new byte[] {0, 0, 0, 0, 4, 0, 0, 0, (byte) length, 0, 0, 0});
        command.writeBytes(rest.toByteArray());
        return command.toByteArray();
    }

    @Test
    void noOpCancelRequestsDoNotKeepAnAssociationPastItsIdleTimeout() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(root.resolve("spool"), "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "1s");
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "CANCELLER")) {
            byte[] cancel = RawScu.pData(true, true, cancelCommand(1));
            int answer = -1;
            try {
                for (int i = 0; i < 10; i++) { // 5 s: five idle timeouts
                    Thread.sleep(500);
                    scu.send(cancel);
                }
                scu.send(RawScu.releaseRequest());
                answer = scu.read().type();
            } catch (java.io.IOException closed) {
                // the gateway ended the association: its A-ABORT may be lost with the connection
            }
            assertTrue(answer == -1 || answer == 0x07, "expected the idle timeout's A-ABORT within 5 s of no real work; got "
                    + "PDU type " + answer + (answer == 0x06 ? " (A-RELEASE-RP: still alive after 5 idle timeouts)" : ""));
            assertTrue(gateway.registry().scrape().contains("result=\"idle_timeout\"} 1.0"), "ended by the idle timeout");
        }
    }
}
