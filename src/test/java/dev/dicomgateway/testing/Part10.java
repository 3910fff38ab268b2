package dev.dicomgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reads the parts of a Part 10 file independently of the gateway's own code. */
public final class Part10 {
    private Part10() {
    }

    /** The bytes of the data set: everything after preamble, "DICM" and the file meta group. */
    public static byte[] dataSet(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int groupLength = ByteBuffer.wrap(bytes, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return java.util.Arrays.copyOfRange(bytes, 144 + groupLength, bytes.length);
    }

    /** A text value of the file meta group (explicit VR little endian), e.g. 0x0002 for the SOP Class UID; "" if absent. */
    public static String metaText(Path file, int element) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = 144 + ByteBuffer.wrap(bytes, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int offset = 144;
        while (offset + 8 <= end) {
            int el = (bytes[offset + 2] & 0xFF) | (bytes[offset + 3] & 0xFF) << 8;
            String vr = new String(bytes, offset + 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
            boolean longForm = vr.equals("OB") || vr.equals("UN") || vr.equals("UT");
            int length = longForm ? ByteBuffer.wrap(bytes, offset + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()
                    : (bytes[offset + 6] & 0xFF) | (bytes[offset + 7] & 0xFF) << 8;
            int value = offset + (longForm ? 12 : 8);
            if (el == element) {
                return new String(bytes, value, length, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "").trim();
            }
            offset = value + length;
        }
        return "";
    }

    /** SHA-256 of the data set: everything after preamble, "DICM" and the file meta group. */
    public static String dataSetDigest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(144);
            if (head.length < 144 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M') {
                throw new IOException(file + " is not a Part 10 file");
            }
            int groupLength = ByteBuffer.wrap(head, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            in.skipNBytes(groupLength);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
                digesting.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
