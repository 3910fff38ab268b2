package dev.dicomgateway.receive.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM and DER read with bounds: every damaged file — truncated, garbage, cut DER, huge — gives a {@link
 * TlsMaterialException} with a message, never another exception; the traditional key forms read as the PKCS#8 key.
 */
class PemParsingTest {
    @TempDir
    static Path dir;
    private static TestCertificates rsa;
    private static TestCertificates ec;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCertificates.create(dir.resolve("rsa"), TestCertificates.KeyType.RSA, 30);
        ec = TestCertificates.create(dir.resolve("ec"), TestCertificates.KeyType.EC, 30);
    }

    @Test
    void traditionalKeysReadAsTheSameKeyAsTheirPkcs8Form() throws Exception {
        for (TestCertificates pki : List.of(rsa, ec)) {
            TestCertificates.KeyType type = pki == rsa ? TestCertificates.KeyType.RSA : TestCertificates.KeyType.EC;
            PrivateKey pkcs8 = PemPrivateKey.read(pki.serverKey());
            PrivateKey traditional = PemPrivateKey.read(TestCertificates.traditional(pki.serverKey(), type));
            assertEquals(pkcs8.getAlgorithm(), traditional.getAlgorithm());
            assertTrue(KeyPairCheck.matches(traditional, PemCertificates.read(pki.serverCertificate()).get(0)), type.name());
            if (type == TestCertificates.KeyType.RSA) {
                assertTrue(Arrays.equals(pkcs8.getEncoded(), traditional.getEncoded()), "the same PKCS#8 bytes");
            }
        }
    }

    @Test
    void aChainKeepsItsOrder() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, Files.readString(rsa.serverCertificate()) + "some comment\n" + Files.readString(rsa.caCertificate()));
        var certificates = PemCertificates.read(chain);
        assertEquals(2, certificates.size());
        assertTrue(certificates.get(0).getSubjectX500Principal().getName().contains("localhost"));
        assertTrue(certificates.get(1).getSubjectX500Principal().getName().contains("test CA"));
    }

    @Test
    void aTruncatedPemSaysItHasNoEndLine() throws Exception {
        String pem = Files.readString(rsa.serverCertificate());
        Path truncated = Files.writeString(dir.resolve("truncated.pem"), pem.substring(0, pem.length() / 2));
        String message = refused(() -> PemCertificates.read(truncated));
        assertTrue(message.contains("has no END line (truncated file?)"), message);
    }

    @Test
    void garbageAndWrongFilesSayWhatIsWrong() throws Exception {
        byte[] noise = new byte[10_000];
        new Random(7).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("noise.bin"), noise);
        assertTrue(refused(() -> PemCertificates.read(garbage)).contains("no PEM block"));
        assertTrue(refused(() -> PemPrivateKey.read(garbage)).contains("no PEM block"));
        assertTrue(refused(() -> PemCertificates.read(rsa.serverKey())).contains("private key where certificates"));
        assertTrue(refused(() -> PemCertificates.read(dir)).contains("is not a regular file"));
        Path badBase64 = Files.writeString(dir.resolve("bad64.pem"), "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
        assertTrue(refused(() -> PemCertificates.read(badBase64)).contains("not valid base64"));
        Path notX509 = Files.writeString(dir.resolve("notx509.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.US_ASCII)) + "\n-----END CERTIFICATE-----\n");
        assertTrue(refused(() -> PemCertificates.read(notX509)).contains("cannot be parsed as X.509"));
        Path mismatched = Files.writeString(dir.resolve("mismatched.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertTrue(refused(() -> PemCertificates.read(mismatched)).contains("does not end the block"));
    }

    @Test
    void aHugeFileIsRefusedWithoutReadingItAll() throws Exception {
        Path huge = dir.resolve("huge.pem");
        try (var out = Files.newOutputStream(huge)) {
            byte[] line = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".getBytes(StandardCharsets.US_ASCII);
            for (long written = 0; written <= PemFile.MAX_BYTES; written += line.length) {
                out.write(line);
            }
        }
        assertTrue(refused(() -> PemCertificates.read(huge)).contains("larger than 4 MiB"));
    }

    /** Every prefix of a traditional key's DER, and the DER with a length byte forged, is refused with a message. */
    @Test
    void cutOrForgedDerInATraditionalKeyIsRefusedWithAMessage() throws Exception {
        for (TestCertificates.KeyType type : TestCertificates.KeyType.values()) {
            Path key = TestCertificates.traditional((type == TestCertificates.KeyType.RSA ? rsa : ec).serverKey(), type);
            PemFile.Block block = PemFile.read(key).get(0);
            byte[] der = block.der();
            for (int length = 0; length < der.length; length++) {
                byte[] cut = Arrays.copyOf(der, length);
                Path file = pem(block.label(), cut);
                TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> PemPrivateKey.read(file),
                        type + " cut to " + length);
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
            for (byte forged : new byte[] {(byte) 0x84, (byte) 0x85, (byte) 0xFF, 0x7F}) {
                byte[] bad = der.clone();
                bad[1] = forged;
                Path file = pem(block.label(), bad);
                assertThrows(TlsMaterialException.class, () -> PemPrivateKey.read(file), type + " length byte " + forged);
            }
        }
    }

    private static Path pem(String label, byte[] der) throws Exception {
        return Files.writeString(dir.resolve("cut.pem"), "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n");
    }

    private interface Read {
        Object run() throws TlsMaterialException;
    }

    private static String refused(Read read) {
        return assertThrows(TlsMaterialException.class, read::run).getMessage();
    }
}
