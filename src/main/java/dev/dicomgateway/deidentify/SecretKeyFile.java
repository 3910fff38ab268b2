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

    private SecretKeyFile() {
    }

    /** Reads the secret, creating it (mode 0600, durably) on first start. Refuses a file others can read. */
    static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException("secret file " + file + " is readable by others (" + PosixFilePermissions.toString(permissions)
                    + "); restrict it with: chmod 600 " + file + " (deidentify.secretFile)");
        }
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

    private static void create(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
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
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
