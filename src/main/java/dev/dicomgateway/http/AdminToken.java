package dev.dicomgateway.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The console's admin token (http.adminTokenFile): read from its file at start and at each reload, compared in constant
 * time with the {@code Authorization: Bearer <token>} a request sends. None configured: every action is refused.
 */
public final class AdminToken {
    /** Bytes read at most from the file (the configuration checks the same bound). */
    private static final int MAX_BYTES = 4096;
    private static final String BEARER = "Bearer ";
    /** The SHA-256 of the token, so the comparison takes the same time whatever the length sent; empty: none. */
    private final AtomicReference<Optional<byte[]>> digest = new AtomicReference<>(Optional.empty());

    private AdminToken() {
    }

    /** The token in {@code file} (none when empty); an IOException naming http.adminTokenFile if it cannot be read. */
    public static AdminToken from(Optional<Path> file) throws IOException {
        AdminToken token = new AdminToken();
        token.reload(file);
        return token;
    }

    /** Reads {@code file} again (a reload); on failure the token held before stays. */
    public void reload(Optional<Path> file) throws IOException {
        if (file.isEmpty()) {
            digest.set(Optional.empty());
            return;
        }
        byte[] raw;
        try {
            if (Files.size(file.get()) > MAX_BYTES) {
                throw new IOException("larger than " + MAX_BYTES + " bytes");
            }
            raw = Files.readAllBytes(file.get());
        } catch (IOException e) {
            throw new IOException("cannot read the admin token " + file.get() + ": " + e.getMessage()
                    + " (http.adminTokenFile; the service user needs read access)", e);
        }
        String token = new String(raw, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("the admin token file " + file.get() + " is empty (http.adminTokenFile; write a "
                    + "token into it: head -c 32 /dev/urandom | base64 > FILE)");
        }
        digest.set(Optional.of(sha256(token)));
    }

    /** Whether a token is configured (else actions are disabled). */
    public boolean configured() {
        return digest.get().isPresent();
    }

    /** Whether {@code authorization} (the header's value, may be null) is "Bearer " (any case, RFC 7235) and the token. */
    public boolean accepts(String authorization) {
        Optional<byte[]> expected = digest.get();
        if (expected.isEmpty() || authorization == null
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected.get(), sha256(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
