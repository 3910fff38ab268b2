package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.testing.WireBytes.be32;
import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.pdu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** PDU framing (PS3.8 9.3.1) read from a stream of hand-written bytes: what is read, and what is refused unread. */
class PduReaderTest {
    private static final int MAX_REQUEST = 1 << 20;

    private static ByteArrayInputStream stream(byte[]... parts) {
        return new ByteArrayInputStream(concat(parts));
    }

    @Test
    void theAssociateRequestIsReadAndParsed() throws Exception {
        ByteArrayInputStream in = stream(pdu(0x01, AssociateRequestTest.storescuRequest()), hex("05"));
        AssociateRequest request = new PduReader(in).associateRequest(MAX_REQUEST);
        assertEquals("STORESCU", request.callingAeTitle());
        assertEquals(2, request.presentationContexts().size());
        assertEquals(1, in.available(), "read to the end of its PDU and no further");
    }

    @Test
    void aPeerThatIsNotDicomIsRefusedAtItsFirstByte() {
        ByteArrayInputStream in = stream("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        PduFormatException e = assertThrows(PduFormatException.class, () -> new PduReader(in).associateRequest(MAX_REQUEST));
        assertEquals(PduFormatException.UNRECOGNIZED_PDU, e.abortReason());
        assertTrue(e.getMessage().contains("0x47"), e.getMessage());
        assertEquals(15, in.available(), "nothing read after the type byte");
        PduFormatException release = assertThrows(PduFormatException.class,
                () -> new PduReader(stream(hex("05 00 00000004 00000000"))).associateRequest(MAX_REQUEST));
        assertEquals(PduFormatException.UNRECOGNIZED_PDU, release.abortReason(), "a known PDU, but not the first one");
    }

    @Test
    void anOversizeAssociateRequestIsRefusedBeforeItsBodyIsRead() {
        for (long length : new long[] {MAX_REQUEST + 1L, 0x80000000L, 0xFFFFFFFFL}) {
            ByteArrayInputStream in = stream(hex("01 00"), be32(length), new byte[100]);
            PduFormatException e = assertThrows(PduFormatException.class, () -> new PduReader(in).associateRequest(MAX_REQUEST));
            assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
            assertTrue(e.getMessage().contains(length + " bytes"), e.getMessage());
            assertEquals(100, in.available(), "no byte of the body read for " + length);
        }
    }

    @Test
    void aConnectionClosedBeforeOrInsideTheRequestIsAnEndOfStream() {
        assertThrows(EOFException.class, () -> new PduReader(stream()).associateRequest(MAX_REQUEST));
        assertThrows(EOFException.class, () -> new PduReader(stream(hex("01 00 00"))).associateRequest(MAX_REQUEST));
        byte[] whole = pdu(0x01, AssociateRequestTest.storescuRequest());
        assertThrows(EOFException.class,
                () -> new PduReader(stream(Arrays.copyOf(whole, whole.length - 1))).associateRequest(MAX_REQUEST));
    }

    @Test
    void headersAreReadOneAfterAnotherWithUnsignedLengths() throws Exception {
        PduReader reader = new PduReader(stream(hex("05 00 00000004 00000000"), hex("04 00 FFFFFFFF")));
        PduReader.Header release = reader.nextHeader().orElseThrow();
        assertEquals(new PduReader.Header(0x05, 4), release);
        reader.controlBody(release);
        assertEquals(Optional.of(new PduReader.Header(0x04, 0xFFFFFFFFL)), reader.nextHeader());
    }

    @Test
    void aConnectionClosedBetweenPdusIsNoHeaderAndInsideOneIsAnEndOfStream() throws Exception {
        assertEquals(Optional.empty(), new PduReader(stream()).nextHeader());
        for (int cut = 1; cut < 6; cut++) {
            byte[] header = Arrays.copyOf(hex("04 00 00000010"), cut);
            assertThrows(EOFException.class, () -> new PduReader(stream(header)).nextHeader(), "header cut at " + cut);
        }
    }

    @Test
    void aPDataBodyIsReadIntoTheBufferItFits() throws Exception {
        byte[] body = hex("00000004 01 03 AA BB");
        PduReader reader = new PduReader(stream(body, body));
        byte[] large = new byte[64];
        byte[] read = reader.pDataBody(new PduReader.Header(0x04, body.length), 16384, large);
        assertSame(large, read, "a buffer that is large enough is reused");
        assertArrayEquals(body, Arrays.copyOf(read, body.length));
        byte[] grown = reader.pDataBody(new PduReader.Header(0x04, body.length), 16384, new byte[3]);
        assertEquals(16384, grown.length, "a new buffer is as large as the longest PDU we accept");
        assertArrayEquals(body, Arrays.copyOf(grown, body.length));
    }

    @Test
    void aPDataBodyLongerThanTheMaximumWeOfferedIsRefusedUnread() {
        for (long length : new long[] {16385, 0x80000000L, 0xFFFFFFFFL}) {
            ByteArrayInputStream in = stream(new byte[50]);
            PduFormatException e = assertThrows(PduFormatException.class,
                    () -> new PduReader(in).pDataBody(new PduReader.Header(0x04, length), 16384, new byte[0]));
            assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
            assertTrue(e.getMessage().contains("exceeds the maximum length offered, 16384"), e.getMessage());
            assertEquals(50, in.available());
        }
    }

    @Test
    void aPDataBodyOfExactlyTheMaximumIsRead() throws Exception {
        byte[] body = concat(hex("0000000E 01 02"), new byte[12]);
        byte[] read = new PduReader(stream(body)).pDataBody(new PduReader.Header(0x04, 18), 18, new byte[0]);
        assertArrayEquals(body, read);
    }

    @Test
    void aPDataBodyCutShortIsAnEndOfStream() {
        assertThrows(EOFException.class,
                () -> new PduReader(stream(new byte[9])).pDataBody(new PduReader.Header(0x04, 10), 16384, new byte[0]));
    }

    @Test
    void controlPduBodiesMustBeExactlyFourBytes() {
        for (long length : new long[] {0, 3, 5, 6, 0xFFFFFFFFL}) {
            ByteArrayInputStream in = stream(new byte[8]);
            PduFormatException e = assertThrows(PduFormatException.class,
                    () -> new PduReader(in).controlBody(new PduReader.Header(0x07, length)));
            assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
            assertTrue(e.getMessage().contains("PDU type 0x07 with a body of " + length + " bytes"), e.getMessage());
            assertEquals(8, in.available(), "nothing skipped");
        }
        assertThrows(EOFException.class, () -> new PduReader(stream(new byte[3])).controlBody(new PduReader.Header(0x05, 4)));
    }
}
