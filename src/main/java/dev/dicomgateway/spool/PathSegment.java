package dev.dicomgateway.spool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns an attribute value (PatientID, a collection name) into one safe directory name: letters, digits, '.' and
 * '-' stay, every other byte of its UTF-8 form becomes %XX, so "/", "\", NUL and ".." cannot form a path.
 * Distinct values give distinct names; an empty value is "_"; very long names are cut and suffixed with a hash.
 */
public final class PathSegment {
    private static final int MAX_LENGTH = 120;
    private static final int KEPT_PREFIX = 100;

    private PathSegment() {
    }

    public static String encode(String value) {
        if (value.isEmpty()) {
            return "_";
        }
        StringBuilder encoded = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        String name = encoded.toString();
        if (name.chars().allMatch(c -> c == '.')) {
            name = name.replace(".", "%2E");
        }
        if (name.length() > MAX_LENGTH) {
            name = name.substring(0, KEPT_PREFIX) + "~" + sha256(value).substring(0, 16);
        }
        return name;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
