package dev.dicomgateway.deidentify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Guards pseudonym continuity: the spool keeps {@code private/secret.fingerprint}, the hex of
 * HMAC-SHA256(secret, "dicom-gateway secret fingerprint") — it names the secret without revealing it — written on the
 * first start. A later start with another secret (a lost key, a key generated anew from another working directory)
 * would give every patient new pseudonyms, so it is refused.
 */
public final class SecretFingerprint {
    public static final String FILE_NAME = "secret.fingerprint";
    private static final byte[] LABEL = "dicom-gateway secret fingerprint".getBytes(StandardCharsets.US_ASCII);

    private SecretFingerprint() {
    }

    /** Refuses to go on when the spool has a fingerprint and {@code secretFile} does not exist (before it is created). */
    static void requireSecretIfRecorded(Path privateDirectory, Path secretFile) throws SecretMismatchException {
        Path fingerprint = privateDirectory.resolve(FILE_NAME);
        if (Files.exists(fingerprint) && !Files.exists(secretFile)) {
            throw new SecretMismatchException("secret file " + secretFile + " does not exist, but this spool's pseudonyms"
                    + " were made with a secret (a new one would give every patient new pseudonyms)" + fix(secretFile, fingerprint));
        }
    }

    /** Records the secret's fingerprint on first start; afterwards refuses a secret whose fingerprint differs. */
    static void verifyOrRecord(Path privateDirectory, Path secretFile, byte[] secret) throws IOException {
        Path fingerprint = privateDirectory.resolve(FILE_NAME);
        String expected = of(secret);
        if (!Files.exists(fingerprint)) {
            record(privateDirectory, fingerprint, expected);
        }
        String recorded = Files.readString(fingerprint, StandardCharsets.US_ASCII).trim();
        if (!MessageDigest.isEqual(recorded.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII))) {
            throw new SecretMismatchException("secret file " + secretFile + " is not the secret this spool's pseudonyms"
                    + " were made with (studies would stop joining their patients)" + fix(secretFile, fingerprint));
        }
    }

    /** Hex of HMAC-SHA256(secret, "dicom-gateway secret fingerprint"). */
    static String of(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(LABEL));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** Continuation lines, each short enough for the bounded standard error (200 characters) with its paths. */
    private static String fix(Path secretFile, Path fingerprint) {
        return "\n  the spool's record of its secret: " + fingerprint
                + "\n  fix: restore the original secret to " + secretFile + " from backup, or point deidentify.secretFile at it"
                + "\n  only if new pseudonyms are really intended: move the spool aside (spool.dir) and start on an empty one";
    }

    private static void record(Path privateDirectory, Path fingerprint, String value) throws IOException {
        DurableDirectory.create(privateDirectory);
        Path temporary = Files.createTempFile(privateDirectory, ".fingerprint-", ".tmp", SecretKeyFile.OWNER_ONLY_FILE);
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.WRITE))) {
            channel.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.createLink(fingerprint, temporary); // never replaces one another gateway on this spool just wrote
        } catch (FileAlreadyExistsException raced) {
            // compared below like any recorded fingerprint
        } finally {
            Files.deleteIfExists(temporary);
        }
        DurableDirectory.sync(privateDirectory);
    }
}
