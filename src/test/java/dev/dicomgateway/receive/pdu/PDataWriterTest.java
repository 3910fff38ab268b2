package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.pdu;
import static dev.dicomgateway.testing.WireBytes.pdv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * P-DATA-TF PDUs (PS3.8 9.3.5): one PDV item each, its message control header saying command (bit 0) and last
 * fragment (bit 1), fragmented so that no PDU body exceeds the peer's maximum length (PS3.8 D.1).
 */
class PDataWriterTest {
    private static byte[] counting(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void aCommandThatFitsIsOnePduWithCommandAndLastSet() {
        byte[] command = hex("00 00 00 00 04 00 00 00 2A 00 00 00");
        assertArrayEquals(pdu(0x04, hex("0000000E 03 03"), command), PDataWriter.encode(3, true, command, 16384));
    }

    @Test
    void aDataSetIsCutIntoFragmentsThatKeepEveryBodyWithinThePeersMaximum() {
        byte[] data = counting(200);
        // maximum 100: each body is a 6-byte PDV header and 94 bytes of data; the last carries the 12 left
        byte[] expected = concat(
                pdu(0x04, pdv(1, 0x00, Arrays.copyOfRange(data, 0, 94))),
                pdu(0x04, pdv(1, 0x00, Arrays.copyOfRange(data, 94, 188))),
                pdu(0x04, pdv(1, 0x02, Arrays.copyOfRange(data, 188, 200))));
        assertArrayEquals(expected, PDataWriter.encode(1, false, data, 100));
        assertArrayEquals(pdu(0x04, pdv(1, 0x02, data)), PDataWriter.encode(1, false, data, 206), "exactly fits");
        assertEquals(2, countPdus(PDataWriter.encode(1, false, data, 205)), "one byte short of fitting");
    }

    @Test
    void maximumLengthZeroMeansUnlimited() {
        byte[] data = counting(100_000);
        assertArrayEquals(pdu(0x04, pdv(5, 0x02, data)), PDataWriter.encode(5, false, data, 0));
        assertArrayEquals(pdu(0x04, pdv(5, 0x02, data)), PDataWriter.encode(5, false, data, 0xFFFFFFFFL), "2^32-1, unsigned");
    }

    @Test
    void anEmptyMessageIsOneEmptyLastFragment() {
        assertArrayEquals(hex("04 00 00000006 00000002 07 03"), PDataWriter.encode(7, true, new byte[0], 16384));
    }

    @Test
    void aPeerOfferingATinyMaximumStillGetsProgressNotAnEndlessStream() {
        byte[] data = counting(100);
        for (long tiny : new long[] {1, 6, 7, 37}) {
            byte[] encoded = PDataWriter.encode(1, false, data, tiny);
            assertEquals(4, countPdus(encoded), "fragments of at least 32 bytes when offered " + tiny);
        }
    }

    /** Walks the PDU headers of {@code stream} (PS3.8 9.3.1) and counts them. */
    private static int countPdus(byte[] stream) {
        int count = 0;
        int offset = 0;
        while (offset < stream.length) {
            assertEquals(0x04, stream[offset]);
            long length = ((stream[offset + 2] & 0xFFL) << 24) | ((stream[offset + 3] & 0xFF) << 16)
                    | ((stream[offset + 4] & 0xFF) << 8) | (stream[offset + 5] & 0xFF);
            offset += 6 + (int) length;
            count++;
        }
        assertEquals(stream.length, offset, "the PDUs end where the stream does");
        return count;
    }
}
