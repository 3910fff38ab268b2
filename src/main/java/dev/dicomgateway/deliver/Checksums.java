package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.CRC32C;

/** Size, CRC32C and MD5 of an object, base64-encoded big-endian as Cloud Storage reports them. */
public record Checksums(long size, String crc32c, String md5) {

    public static Checksums of(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        MessageDigest md5 = newMd5();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                md5.update(buffer, 0, n);
                size += n;
            }
        }
        return new Checksums(size, encodeCrc32c(crc.getValue()), Base64.getEncoder().encodeToString(md5.digest()));
    }

    /**
     * Whether {@code file} has the size and CRC32C of {@code expected} (its MD5 is not computed: a local store confirms
     * an object by these two, the way Cloud Storage reports them, and MD5 would cost more than the rest of the read).
     */
    static boolean sizeAndCrc32cMatch(Path file, Checksums expected) throws IOException {
        Checksums held = sizeAndCrc32c(file);
        return held.size() == expected.size() && held.crc32c().equals(expected.crc32c());
    }

    /** The size and CRC32C of {@code file}, read once (no MD5: {@code md5} is null). */
    static Checksums sizeAndCrc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[1 << 18];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new Checksums(size, encodeCrc32c(crc.getValue()), null);
    }

    static String encodeCrc32c(long value) {
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        return Base64.getEncoder().encodeToString(bytes);
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }
}
