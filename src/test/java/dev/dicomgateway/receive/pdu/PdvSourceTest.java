package dev.dicomgateway.receive.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The PDV sequence across P-DATA-TF PDUs: items in order whatever PDU holds them, the first other PDU held back for
 * the association (and the sequence stopped there until it is taken), a closed connection told apart from it, and
 * a malformed item refused.
 */
class PdvSourceTest {
    private static final int MAX_PDU = 16 << 10;

    @Test
    void givesTheItemsOfEveryPduInOrderThenHoldsTheReleaseRequest() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(pData(item(1, 0x01, bytes(10, 1)), item(1, 0x00, bytes(20, 2))));
        wire.writeBytes(pData(item(1, 0x02, bytes(30, 3))));
        wire.writeBytes(new byte[] {0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0}); // A-RELEASE-RQ
        PdvSource source = new PdvSource(new PduReader(new ByteArrayInputStream(wire.toByteArray())), MAX_PDU);

        assertTrue(source.next());
        assertTrue(source.command());
        assertFalse(source.last());
        assertArrayEquals(bytes(10, 1), fragment(source));
        assertTrue(source.next());
        assertFalse(source.command());
        assertArrayEquals(bytes(20, 2), fragment(source));
        assertTrue(source.next());
        assertTrue(source.last());
        assertEquals(1, source.contextId());
        assertArrayEquals(bytes(30, 3), fragment(source));

        assertFalse(source.next());
        assertTrue(source.hasPending());
        assertFalse(source.next(), "stays stopped until the pending PDU is taken");
        assertEquals(PduType.RELEASE_RQ, source.takePending().orElseThrow().type());
        assertFalse(source.hasPending());
    }

    @Test
    void aClosedConnectionIsNoPendingPdu() throws Exception {
        PdvSource source = new PdvSource(new PduReader(new ByteArrayInputStream(pData(item(3, 0x02, bytes(4, 9))))), MAX_PDU);
        assertTrue(source.next());
        assertFalse(source.next());
        assertFalse(source.hasPending());
        assertTrue(source.takePending().isEmpty());
    }

    @Test
    void anItemLongerThanItsPduIsRefused() {
        byte[] pdu = pData(item(1, 0x02, bytes(8, 1)));
        pdu[9] = 100; // the item's length (low byte) beyond the PDU's end
        PdvSource source = new PdvSource(new PduReader(new ByteArrayInputStream(pdu)), MAX_PDU);
        assertThrows(PduFormatException.class, source::next);
    }

    @Test
    void aPduLongerThanTheNegotiatedMaximumIsRefused() {
        PdvSource source = new PdvSource(new PduReader(new ByteArrayInputStream(
                pData(item(1, 0x02, bytes(MAX_PDU, 1))))), MAX_PDU);
        assertThrows(PduFormatException.class, source::next);
    }

    private static byte[] fragment(PdvSource source) {
        return Arrays.copyOfRange(source.buffer(), source.fragmentOffset(), source.fragmentOffset() + source.fragmentLength());
    }

    static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** One PDV item: length, context, message control header, fragment. */
    static byte[] item(int contextId, int controlHeader, byte[] fragment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = fragment.length + 2;
        out.write(length >>> 24);
        out.write(length >>> 16 & 0xFF);
        out.write(length >>> 8 & 0xFF);
        out.write(length & 0xFF);
        out.write(contextId);
        out.write(controlHeader);
        out.writeBytes(fragment);
        return out.toByteArray();
    }

    /** A P-DATA-TF PDU holding {@code items}. */
    static byte[] pData(byte[]... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] item : items) {
            body.writeBytes(item);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = body.size();
        out.writeBytes(new byte[] {PduType.P_DATA_TF, 0, (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length});
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
