package dev.dicomgateway.deidentify;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** The site secret behind every pseudonym: 256 random bits, hex, in a file only the service user can read. */
final class SecretKeyFile {
    private static final int SECRET_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** Mode 0600 at creation, for every file this package writes. */
    static final java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    /** Mode 0700 at creation, for the directories of the secret and of the spool's private area. */
    static final java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private SecretKeyFile() {
    }

    /**
     * The secret for the spool whose private area is {@code privateDirectory}: read (created on the spool's first
     * start) and checked against the spool's fingerprint, so a start with another secret is refused.
     */
    static byte[] loadForSpool(Path file, Path privateDirectory) throws IOException {
        SecretFingerprint.requireSecretIfRecorded(privateDirectory, file);
        byte[] secret = loadOrCreate(file);
        SecretFingerprint.verifyOrRecord(privateDirectory, file, secret);
        return secret;
    }

    /** Reads the secret, creating it (mode 0600, durably) on first start. Refuses a file others can read. */
    static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        refuseIfShared(file, "secret file", "deidentify.secretFile");
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            byte[] secret = HexFormat.of().parseHex(text);
            if (secret.length < 16) {
                throw new IOException("secret file " + file + " holds fewer than 128 bits (deidentify.secretFile)");
            }
            return secret;
        } catch (IllegalArgumentException e) {
            throw new IOException("secret file " + file + " is not hexadecimal (deidentify.secretFile; restore it from backup)", e);
        }
    }

    /**
     * Refuses a file group or others have any permission on: it was exposed, and tightening it silently would hide
     * that from the operator, who must decide whether it has to be treated as disclosed.
     */
    static void refuseIfShared(Path file, String what, String key) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException(what + " " + file + " is readable by others (" + PosixFilePermissions.toString(permissions)
                    + "); restrict it with: chmod 600 " + file + " (" + key + ")");
        }
    }

    private static void create(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        DurableDirectory.create(directory);
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Path temporary = Files.createTempFile(directory, ".secret-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap((HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.createLink(file, temporary); // atomic, and never replaces a secret another process just created
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another gateway sharing this file won the race: use its secret
        } finally {
            Files.deleteIfExists(temporary);
        }
        DurableDirectory.sync(directory);
    }
}
