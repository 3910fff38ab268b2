package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.receive.pdu.PduFormatException;
import dev.dicomgateway.receive.pdu.PduReader;
import dev.dicomgateway.receive.pdu.PduType;
import dev.dicomgateway.receive.pdu.PdvSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A C-STORE's data set as a stream: exactly its fragments' bytes, across PDUs, ending at the last fragment (what
 * follows is left for the association); counted as it is read; interrupted — never silently cut — by a command
 * fragment, another context, a release or abort, or a closed connection.
 */
class DataSetStreamTest {

    @Test
    void readsTheFragmentsOfItsContextAcrossPdusToTheLastAndNoFurther() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(pData(item(1, 0x00, bytes(100, 1)), item(1, 0x00, bytes(50, 2))));
        wire.writeBytes(pData(item(1, 0x02, bytes(70, 3)), item(1, 0x03, bytes(5, 4)))); // then the next command
        PdvSource source = source(wire.toByteArray());
        assertTrue(source.next());
        AtomicLong counted = new AtomicLong();
        DataSetStream stream = new DataSetStream(source, 1, counted::addAndGet);

        byte[] read = stream.readAllBytes();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(bytes(100, 1));
        expected.writeBytes(bytes(50, 2));
        expected.writeBytes(bytes(70, 3));
        assertArrayEquals(expected.toByteArray(), read);
        assertEquals(220, counted.get());
        assertTrue(stream.drain());
        assertTrue(source.next(), "the command after the data set is the association's");
        assertTrue(source.command());
    }

    @Test
    void drainReadsWhatTheStageLeftUnread() throws Exception {
        PdvSource source = source(concat(pData(item(1, 0x00, bytes(40, 1))), pData(item(1, 0x02, bytes(40, 2)))));
        assertTrue(source.next());
        DataSetStream stream = new DataSetStream(source, 1, n -> { });
        assertEquals(1, stream.read());
        assertTrue(stream.drain());
        assertFalse(source.next());
        assertFalse(source.hasPending());
    }

    @Test
    void aCommandFragmentOrAnotherContextInterruptsIt() throws Exception {
        for (byte[] intruder : new byte[][] {item(1, 0x01, bytes(10, 9)), item(3, 0x02, bytes(10, 9))}) {
            PdvSource source = source(pData(item(1, 0x00, bytes(10, 1)), intruder));
            assertTrue(source.next());
            DataSetStream stream = new DataSetStream(source, 1, n -> { });
            assertThrows(DataSetStream.Interrupted.class, stream::readAllBytes);
            assertInstanceOf(PduFormatException.class, stream.interruption());
            assertFalse(stream.drain());
            assertThrows(DataSetStream.Interrupted.class, stream::read, "stays interrupted");
        }
    }

    @Test
    void aReleaseOrAClosedConnectionInterruptsIt() throws Exception {
        byte[] release = {PduType.RELEASE_RQ, 0, 0, 0, 0, 4, 0, 0, 0, 0};
        PdvSource released = source(concat(pData(item(1, 0x00, bytes(10, 1))), release));
        assertTrue(released.next());
        DataSetStream stream = new DataSetStream(released, 1, n -> { });
        assertFalse(stream.drain());
        assertInstanceOf(DataSetStream.ControlPdu.class, stream.interruption());
        assertEquals(PduType.RELEASE_RQ, released.takePending().orElseThrow().type(), "left for the association");

        PdvSource closed = source(pData(item(1, 0x00, bytes(10, 1))));
        assertTrue(closed.next());
        DataSetStream cut = new DataSetStream(closed, 1, n -> { });
        assertThrows(DataSetStream.Interrupted.class, cut::readAllBytes);
        assertInstanceOf(EOFException.class, cut.interruption());
    }

    private static PdvSource source(byte[] wire) {
        return new PdvSource(new PduReader(new ByteArrayInputStream(wire)), 16 << 10);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] item(int contextId, int controlHeader, byte[] fragment) {
        int length = fragment.length + 2;
        byte[] item = new byte[4 + length];
        item[0] = (byte) (length >>> 24);
        item[1] = (byte) (length >>> 16);
        item[2] = (byte) (length >>> 8);
        item[3] = (byte) length;
        item[4] = (byte) contextId;
        item[5] = (byte) controlHeader;
        System.arraycopy(fragment, 0, item, 6, fragment.length);
        return item;
    }

    private static byte[] pData(byte[]... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] item : items) {
            body.writeBytes(item);
        }
        int length = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {PduType.P_DATA_TF, 0, (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length});
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
