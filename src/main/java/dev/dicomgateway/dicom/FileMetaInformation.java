package dev.dicomgateway.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The PS3.10 preamble, "DICM" prefix and file meta information group (explicit VR little endian) that precede a
 * received data set in a staged file. The data set bytes that follow are exactly those that came off the wire.
 */
public record FileMetaInformation(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                                  String sourceAeTitle) {

    /** This implementation's class UID (a 2.25 UUID-derived root) and version name, written into every file. */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.118406391542335413219862853950735361213";
    public static final String IMPLEMENTATION_VERSION_NAME = "DICOMGATEWAY_01";

    private static final int PREAMBLE_LENGTH = 128;

    /** The bytes to write before the data set. */
    public byte[] encode() {
        ByteArrayOutputStream group = new ByteArrayOutputStream(256);
        element(group, 0x0001, "OB", new byte[] {0, 1});
        element(group, 0x0002, "UI", uid(sopClassUid));
        element(group, 0x0003, "UI", uid(sopInstanceUid));
        element(group, 0x0010, "UI", uid(transferSyntaxUid));
        element(group, 0x0012, "UI", uid(IMPLEMENTATION_CLASS_UID));
        element(group, 0x0013, "SH", text(IMPLEMENTATION_VERSION_NAME));
        String sourceAe = sourceAeTitle == null ? "" : aeValue(sourceAeTitle);
        if (!sourceAe.isEmpty()) {
            element(group, 0x0016, "AE", text(sourceAe));
        }
        byte[] body = group.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(PREAMBLE_LENGTH + 16 + body.length);
        out.writeBytes(new byte[PREAMBLE_LENGTH]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        element(out, 0x0000, "UL", littleEndian32(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void element(ByteArrayOutputStream out, int element, String vr, byte[] value) {
        out.write(0x02);
        out.write(0x00);
        out.write(element & 0xFF);
        out.write((element >> 8) & 0xFF);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            out.write(0);
            out.write(0);
            out.writeBytes(littleEndian32(value.length));
        } else {
            out.write(value.length & 0xFF);
            out.write((value.length >> 8) & 0xFF);
        }
        out.writeBytes(value);
    }

    /** The (0002,0016) value {@link #encode()} writes for {@code title}, as {@link FileMetaGroup} reads it back. */
    public static String sourceAeValue(String title) {
        return title == null ? "" : aeValue(title);
    }

    /**
     * A calling AE title as a valid AE value (PS3.5 6.2): a peer may send any 16 bytes, but the VR allows no control
     * characters and no backslash, and nothing but ASCII; each such character becomes '_'. At most 16 characters.
     */
    static String aeValue(String title) {
        StringBuilder value = new StringBuilder(16);
        for (int i = 0; i < title.length() && value.length() < 16; i++) {
            char c = title.charAt(i);
            value.append(c >= 0x20 && c < 0x7F && c != '\\' ? c : '_');
        }
        return value.toString().strip();
    }

    private static byte[] uid(String value) {
        return padded(value, (byte) 0);
    }

    private static byte[] text(String value) {
        return padded(value, (byte) ' ');
    }

    private static byte[] padded(String value, byte pad) {
        byte[] raw = value.getBytes(StandardCharsets.US_ASCII);
        if (raw.length % 2 == 0) {
            return raw;
        }
        byte[] even = new byte[raw.length + 1];
        System.arraycopy(raw, 0, even, 0, raw.length);
        even[raw.length] = pad;
        return even;
    }

    private static byte[] littleEndian32(int value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }
}
