package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool remembers which secret its pseudonyms were made with (a fingerprint, never the secret): a start with
 * another secret, or with none where there was one, is refused as a configuration error (exit 2) naming both files and
 * the fix; the original secret starts again. Without this, studies would silently stop joining their patients.
 */
class SecretFingerprintTest {
    private static final String OTHER_SECRET = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n";

    @TempDir
    Path work;

    @Test
    void anotherSecretIsRefusedWithBothFilesAndTheFixAndTheOriginalStartsAgain() throws Exception {
        Path spool = work.resolve("spool");
        Path key = spool.resolve("private/deidentify.key");
        Path fingerprint = spool.resolve("private/secret.fingerprint");
        try (Gateway gateway = TestGateway.start(spool)) {
            assertTrue(Files.exists(fingerprint), "recorded on first start");
        }
        String secretHex = Files.readString(key, StandardCharsets.US_ASCII).trim();
        String recorded = Files.readString(fingerprint, StandardCharsets.US_ASCII).trim();
        assertEquals(hmacHex(HexFormat.of().parseHex(secretHex)), recorded, "HMAC-SHA256(secret, label), hex");
        assertFalse(recorded.contains(secretHex), "never the secret itself");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fingerprint)));

        Path original = Files.copy(key, work.resolve("original.key"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(key, OTHER_SECRET, StandardCharsets.US_ASCII); // a key generated anew, mode kept 0600

        SecretMismatchException error = assertThrows(SecretMismatchException.class, () -> TestGateway.start(spool));
        assertMessage(error.getMessage(), key, fingerprint);
        String log = refusedProcessLog(spool, "another.log");
        assertTrue(log.contains("exited with 2"), "a configuration error: " + log);
        assertTrue(log.contains("configuration error: secret file " + key), log);
        assertTrue(log.contains(fingerprint.toString()), log);
        assertTrue(log.contains("fix: restore the original secret to " + key + " from backup, or point deidentify.secretFile"
                + " at it"), "the fix survives standard error's 200-character lines: " + log);
        assertTrue(log.contains("move the spool aside"), log);

        Files.copy(original, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        try (Gateway gateway = TestGateway.start(spool)) {
            assertTrue(gateway.dicomPort() > 0, "the original secret starts");
        }
        assertEquals(recorded, Files.readString(fingerprint, StandardCharsets.US_ASCII).trim(), "fingerprint unchanged");
    }

    @Test
    void aMissingSecretIsNotReplacedByANewOneOnASpoolThatHadOne() throws Exception {
        Path spool = work.resolve("spool");
        Path key = spool.resolve("private/deidentify.key");
        try (Gateway gateway = TestGateway.startPassthrough(spool)) { // passthrough names are keyed by the secret too
            assertTrue(Files.exists(key));
        }
        Files.move(key, work.resolve("moved-away.key"));
        SecretMismatchException error = assertThrows(SecretMismatchException.class, () -> TestGateway.startPassthrough(spool));
        assertMessage(error.getMessage(), key, spool.resolve("private/secret.fingerprint"));
        assertFalse(Files.exists(key), "no new secret generated in its place");
    }

    private String refusedProcessLog(Path spool, String name) throws Exception {
        Path log = work.resolve(name);
        try (GatewayProcess started = GatewayProcess.start(spool, log)) {
            throw new AssertionError("the gateway started with another secret");
        } catch (IOException refused) {
            return refused.getMessage() + "\n" + Files.readString(log);
        }
    }

    private static void assertMessage(String message, Path key, Path fingerprint) {
        assertTrue(message.contains("secret file " + key), message);
        assertTrue(message.contains(fingerprint.toString()), message);
        assertTrue(message.contains("restore the original secret"), message);
        assertTrue(message.contains("deidentify.secretFile"), message);
        assertTrue(message.contains("move the spool aside"), message);
    }

    private static String hmacHex(byte[] secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal("dicom-gateway secret fingerprint".getBytes(StandardCharsets.US_ASCII)));
    }
}
