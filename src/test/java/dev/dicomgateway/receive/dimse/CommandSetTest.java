package dev.dicomgateway.receive.dimse;

import static dev.dicomgateway.testing.WireBytes.ascii;
import static dev.dicomgateway.testing.WireBytes.command;
import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.le16;
import static dev.dicomgateway.testing.WireBytes.le32;
import static dev.dicomgateway.testing.WireBytes.uidPadded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DIMSE command sets (PS3.7 9.3 and E.1: group 0000 in implicit VR little endian, led by its group length) against
 * layouts written by hand: what storescu sends is read, what the gateway answers is byte for byte the standard's.
 */
class CommandSetTest {
    private static final String VERIFICATION = "1.2.840.10008.1.1";
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String SOP = "1.2.826.0.1.3680043.2.1125.1.770"; // 32 characters

    /** A C-STORE-RQ as storescu sends it, element by element (the group length first). */
    private static List<byte[]> storeRequestElements() {
        List<byte[]> rest = List.of(
                command(0x0002, uidPadded(CT)),            // Affected SOP Class UID, UI
                command(0x0100, le16(0x0001)),             // Command Field: C-STORE-RQ
                command(0x0110, le16(0x1234)),             // Message ID
                command(0x0700, le16(0x0000)),             // Priority: medium
                command(0x0800, le16(0x0001)),             // Command Data Set Type: a data set follows
                command(0x1000, uidPadded(SOP)),           // Affected SOP Instance UID
                command(0x1030, ascii("MOVESCU ")),        // Move Originator AE Title
                command(0x1031, le16(0x0009)));            // Move Originator Message ID
        int length = rest.stream().mapToInt(e -> e.length).sum();
        List<byte[]> elements = new java.util.ArrayList<>();
        elements.add(command(0x0000, le32(length)));
        elements.addAll(rest);
        return elements;
    }

    private static byte[] storeRequest() {
        return concat(storeRequestElements().toArray(byte[][]::new));
    }

    @Test
    void aStoreRequestIsRead() throws MalformedCommandException {
        CommandSet request = CommandSet.parse(storeRequest());
        assertEquals(CommandField.C_STORE_RQ, request.us(CommandSet.COMMAND_FIELD));
        assertEquals(0x1234, request.us(CommandSet.MESSAGE_ID));
        assertEquals(0x0001, request.us(CommandSet.COMMAND_DATA_SET_TYPE));
        assertEquals(CT, request.uid(CommandSet.AFFECTED_SOP_CLASS_UID), "the NUL padding is not part of the UID");
        assertEquals(SOP, request.uid(CommandSet.AFFECTED_SOP_INSTANCE_UID));
        assertEquals(-1, request.us(CommandSet.STATUS), "absent");
        assertEquals("", request.uid(CommandSet.ERROR_COMMENT), "absent");
    }

    @Test
    void anEchoResponseIsByteForByteTheStandardsLayout() {
        byte[] expected = concat(
                hex("0000 0000 04000000 42000000"),                        // (0000,0000) UL 66: the bytes that follow
                hex("0000 0200 12000000"), ascii(VERIFICATION), hex("00"), // (0000,0002) UI, 17 characters + NUL
                hex("0000 0001 02000000 3080"),                            // (0000,0100) US C-ECHO-RSP
                hex("0000 2001 02000000 0700"),                            // (0000,0120) US Message ID Being Responded To
                hex("0000 0008 02000000 0101"),                            // (0000,0800) US no data set
                hex("0000 0009 02000000 0000"));                           // (0000,0900) US Success
        byte[] encoded = CommandSet.empty()
                .putUs(CommandSet.STATUS, Status.SUCCESS) // put in any order; encoded in ascending tag order
                .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, VERIFICATION)
                .putUs(CommandSet.COMMAND_FIELD, CommandField.C_ECHO_RSP)
                .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, 7)
                .encode();
        assertArrayEquals(expected, encoded);
    }

    @Test
    void aStoreResponseErrorCommentIsPrintableAsciiOfAtMost64CharactersPaddedWithASpace() {
        byte[] encoded = CommandSet.empty().putUs(CommandSet.STATUS, Status.CANNOT_UNDERSTAND)
                .putText(CommandSet.ERROR_COMMENT, "bad\u00e9\n").putUid(CommandSet.AFFECTED_SOP_INSTANCE_UID, SOP).encode();
        byte[] expected = concat(hex("0000 0000 04000000 40000000"),    // 64 = 10 + 14 + 40
                hex("0000 0009 02000000 00C0"),                        // (0000,0900) US 0xC000
                hex("0000 0209 06000000"), ascii("bad?? "),            // (0000,0902) LO, odd length padded with a space
                hex("0000 0010 20000000"), ascii(SOP));                // (0000,1000) UI, 32 characters: no padding
        assertArrayEquals(expected, encoded);

        String long70 = "x".repeat(70);
        byte[] cut = CommandSet.empty().putText(CommandSet.ERROR_COMMENT, long70).encode();
        assertArrayEquals(concat(hex("0000 0000 04000000 48000000 0000 0209 40000000"), ascii("x".repeat(64))), cut);
        byte[] odd = CommandSet.empty().putText(CommandSet.ERROR_COMMENT, "y".repeat(63)).encode();
        assertArrayEquals(concat(hex("0000 0000 04000000 48000000 0000 0209 40000000"), ascii("y".repeat(63) + " ")), odd);
    }

    @Test
    void whatIsReadIsWrittenBackTheSameWithTheGroupLengthRecomputed() throws MalformedCommandException {
        byte[] original = storeRequest();
        assertArrayEquals(original, CommandSet.parse(original).encode());
        byte[] lying = original.clone();
        lying[8] = 0x7F; // a group length that does not match: never trusted, never copied
        assertArrayEquals(original, CommandSet.parse(lying).encode());
        List<byte[]> elements = storeRequestElements();
        byte[] shuffled = concat(elements.get(3), elements.get(1), elements.get(6), elements.get(2), elements.get(0),
                elements.get(8), elements.get(5), elements.get(4), elements.get(7));
        assertArrayEquals(original, CommandSet.parse(shuffled).encode(), "elements out of order come back in order");
    }

    @Test
    void oddLengthValuesAreReadAsSent() throws MalformedCommandException {
        CommandSet odd = CommandSet.parse(concat(command(0x0002, ascii(VERIFICATION)), command(0x0100, hex("30"))));
        assertEquals(VERIFICATION, odd.uid(CommandSet.AFFECTED_SOP_CLASS_UID), "an unpadded UID of 17 characters");
        assertEquals(-1, odd.us(CommandSet.COMMAND_FIELD), "a US of one byte is malformed, not half a value");
        assertEquals(0x8030, CommandSet.parse(command(0x0100, hex("30 80 00"))).us(CommandSet.COMMAND_FIELD));
        assertEquals(-1, CommandSet.parse(new byte[0]).us(CommandSet.COMMAND_FIELD), "empty: every value absent");
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(MalformedCommandException.class, () -> CommandSet.parse(bytes)).getMessage();
    }

    @Test
    void everyCutInsideAnElementIsRefused() throws MalformedCommandException {
        List<byte[]> elements = storeRequestElements();
        java.util.Set<Integer> boundaries = new java.util.HashSet<>();
        int end = 0;
        for (byte[] element : elements) {
            boundaries.add(end);
            end += element.length;
        }
        byte[] full = storeRequest();
        for (int length = 0; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            if (boundaries.contains(length)) {
                CommandSet.parse(cut); // fewer elements, each whole
            } else {
                String message = refusal(cut);
                assertTrue(message.equals("command set ends inside an element header")
                        || message.matches("command element length \\d+ runs past the command set"), length + ": " + message);
            }
        }
    }

    @Test
    void lengthsPastTheEndAreRefusedWithoutAllocatingThem() {
        assertEquals("command element length 3 runs past the command set", refusal(concat(hex("0000 0001 03000000"), le16(1))));
        assertEquals("command element length 4294967295 runs past the command set",
                refusal(concat(hex("0000 0001 FFFFFFFF"), le16(1))), "unsigned: never a negative array size");
        assertEquals("command element length 2147483648 runs past the command set", refusal(hex("0000 0001 00000080")));
    }

    @Test
    void elementsOutsideGroup0000AreRefused() {
        assertEquals("command set holds an element outside group 0000",
                refusal(concat(command(0x0100, le16(1)), hex("0800 1800 02000000 3100"))));
        assertEquals("command set ends inside an element header", refusal(hex("0000 0001 020000")));
    }
}
