package dev.dicomgateway.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Byte layouts of the DICOM upper layer and of command sets written out by hand from the standard, for codec tests
 * that must not take their expected bytes from the code under test: PS3.8 9.3 (PDUs: big-endian lengths, items of
 * type, reserved byte, 16-bit length) and PS3.5 7.1.2 / PS3.7 E.1 (implicit VR little endian elements of group 0000).
 */
public final class WireBytes {
    private WireBytes() {
    }

    /** Bytes written as hex pairs, spaces allowed: "01 00 00 00". */
    public static byte[] hex(String pairs) {
        return HexFormat.of().parseHex(pairs.replace(" ", ""));
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code text} followed by the NUL that pads a UID of odd length to an even one (PS3.5 9.1). */
    public static byte[] uidPadded(String uid) {
        return uid.length() % 2 == 0 ? ascii(uid) : concat(ascii(uid), new byte[1]);
    }

    /** An AE title field: the title left-justified in 16 bytes, padded with spaces (PS3.8 9.3.2). */
    public static byte[] aeField(String title) {
        byte[] field = ascii("                ");
        byte[] raw = ascii(title);
        System.arraycopy(raw, 0, field, 0, raw.length);
        return field;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static byte[] be16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    public static byte[] be32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public static byte[] le16(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8)};
    }

    public static byte[] le32(long value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    /** A PDU: type, reserved 00, 32-bit big-endian length of the body, the body (PS3.8 9.3.1). */
    public static byte[] pdu(int type, byte[]... body) {
        byte[] joined = concat(body);
        return concat(new byte[] {(byte) type, 0}, be32(joined.length), joined);
    }

    /** An item or sub-item of an association PDU: type, reserved 00, 16-bit big-endian length, value (PS3.8 9.3.2). */
    public static byte[] item(int type, byte[]... value) {
        byte[] joined = concat(value);
        if (joined.length > 0xFFFF) {
            throw new IllegalArgumentException("an item holds at most 65535 bytes, not " + joined.length);
        }
        return concat(new byte[] {(byte) type, 0}, be16(joined.length), joined);
    }

    /** A PDV item of a P-DATA-TF: 32-bit length, context ID, message control header, fragment (PS3.8 9.3.5.1). */
    public static byte[] pdv(int contextId, int messageControlHeader, byte[] fragment) {
        return concat(be32(fragment.length + 2L), new byte[] {(byte) contextId, (byte) messageControlHeader}, fragment);
    }

    /** An implicit VR little endian element of group 0000: group, element, 32-bit length, value (PS3.5 7.1.2). */
    public static byte[] command(int element, byte[] value) {
        return concat(le16(0x0000), le16(element), le32(value.length), value);
    }
}
