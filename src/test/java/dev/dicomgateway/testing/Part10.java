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
