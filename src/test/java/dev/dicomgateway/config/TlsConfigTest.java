package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dicom.tls.* and dicom.plain.enabled are checked when the configuration loads, files included: each mistake stops
 * the start (and `check`, exit 2) with a message naming the key and the fix.
 */
class TlsConfigTest {
    @TempDir
    static Path dir;
    private static TestCertificates pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestCertificates.create(dir.resolve("pki"), TestCertificates.KeyType.RSA, 30);
    }

    @Test
    void offByDefaultWithThePlainPortOn() throws Exception {
        GatewayConfig.Dicom dicom = GatewayConfig.load(null, Map.of()).dicom();
        assertEquals(Optional.empty(), dicom.tls());
        assertTrue(dicom.plainEnabled());
    }

    @Test
    void aCompleteSettingLoadsWithItsDefaults() throws Exception {
        GatewayConfig.Tls tls = load().tls().orElseThrow();
        assertEquals(0, tls.port());
        assertEquals(GatewayConfig.ClientAuth.REQUIRED, tls.clientAuth());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.protocols());
        assertEquals(List.of(), tls.cipherSuites());
        assertEquals(Optional.of(pki.caCertificate()), tls.trustedCertificates());
    }

    @Test
    void theDefaultTlsPortIs2762() throws Exception {
        Map<String, String> environment = environment();
        environment.remove("DICOM_GATEWAY_DICOM_TLS_PORT");
        assertEquals(2762, GatewayConfig.load(null, environment).dicom().tls().orElseThrow().port());
    }

    @Test
    void traditionalRsaAndEcKeysAreAccepted() throws Exception {
        Path pkcs1 = TestCertificates.traditional(pki.serverKey(), TestCertificates.KeyType.RSA);
        assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(load("DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", pkcs1.toString()).tls().isPresent());
        TestCertificates ec = TestCertificates.create(dir.resolve("ec"), TestCertificates.KeyType.EC, 30);
        Path sec1 = TestCertificates.traditional(ec.serverKey(), TestCertificates.KeyType.EC);
        assertTrue(load("DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", ec.serverCertificate().toString(),
                "DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", sec1.toString()).tls().isPresent());
        assertTrue(load("DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", ec.serverCertificate().toString(),
                "DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", ec.serverKey().toString()).tls().isPresent());
    }

    @Test
    void aMissingCertificateFileNamesTheKeyAndThePath() {
        Path missing = dir.resolve("nope.pem");
        String message = refused("DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", missing.toString());
        assertTrue(message.contains("dicom.tls.certificate") && message.contains(missing + " does not exist"), message);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        String message = refused("DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", pki.clientKey().toString());
        assertTrue(message.contains("invalid value for dicom.tls.privateKey") && message.contains("do not belong together"), message);
        assertTrue(message.contains("openssl pkey"), "the fix: " + message);
    }

    @Test
    void encryptedKeysAreRefusedInBothForms() throws Exception {
        Path pkcs8 = dir.resolve("encrypted-pkcs8.key");
        TestCertificates.openssl("pkey", "-in", pki.serverKey().toString(), "-aes256", "-passout", "pass:secret",
                "-out", pkcs8.toString());
        assertTrue(Files.readString(pkcs8).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        Path traditional = dir.resolve("encrypted-traditional.key");
        TestCertificates.openssl("rsa", "-in", pki.serverKey().toString(), "-traditional", "-aes256", "-passout",
                "pass:secret", "-out", traditional.toString());
        assertTrue(Files.readString(traditional).contains("Proc-Type: 4,ENCRYPTED"));
        for (Path key : List.of(pkcs8, traditional)) {
            String message = refused("DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", key.toString());
            assertTrue(message.contains("dicom.tls.privateKey") && message.contains("encrypted private key"), message);
            assertTrue(message.contains("openssl pkey -in KEY -out KEY.plain"), "the fix: " + message);
        }
    }

    @Test
    void requiredOrOptionalClientAuthNeedsTrustedCertificates() {
        for (String clientAuth : List.of("required", "optional")) {
            String message = refused("DICOM_GATEWAY_DICOM_TLS_TRUSTEDCERTIFICATES", "",
                    "DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", clientAuth);
            assertTrue(message.contains("dicom.tls.trustedCertificates") && message.contains("clientAuth is " + clientAuth), message);
            assertTrue(message.contains("dicom.tls.clientAuth: none"), message);
        }
        assertTrue(load("DICOM_GATEWAY_DICOM_TLS_TRUSTEDCERTIFICATES", "", "DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", "none")
                .tls().orElseThrow().trustedCertificates().isEmpty());
        String message = refused("DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", "sometimes");
        assertTrue(message.contains("dicom.tls.clientAuth") && message.contains("required, optional, none"), message);
    }

    @Test
    void unknownAndOutdatedProtocolsAreRefused() {
        for (String protocol : List.of("TLSv1.4", "TLSv1.1", "SSLv3")) {
            String message = refused("DICOM_GATEWAY_DICOM_TLS_PROTOCOLS", "TLSv1.3, " + protocol);
            assertTrue(message.contains("dicom.tls.protocols") && message.contains("'" + protocol + "'"), message);
            assertTrue(message.contains("TLSv1.2, TLSv1.3"), "names what is accepted: " + message);
        }
    }

    @Test
    void unknownCipherSuitesAreRefusedAndKnownOnesKept() {
        String message = refused("DICOM_GATEWAY_DICOM_TLS_CIPHERSUITES", "TLS_AES_128_GCM_SHA256, TLS_RSA_WITH_ROT13");
        assertTrue(message.contains("dicom.tls.cipherSuites") && message.contains("'TLS_RSA_WITH_ROT13'"), message);
        assertEquals(List.of("TLS_AES_128_GCM_SHA256"), load("DICOM_GATEWAY_DICOM_TLS_CIPHERSUITES",
                "TLS_AES_128_GCM_SHA256").tls().orElseThrow().cipherSuites());
    }

    @Test
    void aCertificateFileThatIsNoPemIsRefused() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0x7F, 'E', 'L', 'F', 0, 1, 2, 3});
        String message = refused("DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", garbage.toString());
        assertTrue(message.contains("dicom.tls.certificate") && message.contains("no PEM block"), message);
        String key = refused("DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", pki.serverCertificate().toString());
        assertTrue(key.contains("dicom.tls.privateKey") && key.contains("holds no private key"), key);
    }

    @Test
    void bothPortsOffIsAConfigurationError() {
        String message = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_PLAIN_ENABLED", "false"))).getMessage();
        assertTrue(message.contains("dicom.plain.enabled") && message.contains("dicom.tls.enabled"), message);
        assertTrue(!load("DICOM_GATEWAY_DICOM_PLAIN_ENABLED", "false").plainEnabled());
    }

    @Test
    void theTlsPortMustDifferFromThePlainPort() {
        String message = refused("DICOM_GATEWAY_DICOM_TLS_PORT", "11112");
        assertTrue(message.contains("dicom.tls.port") && message.contains("other than dicom.port"), message);
        assertEquals(11112, load("DICOM_GATEWAY_DICOM_TLS_PORT", "11112", "DICOM_GATEWAY_DICOM_PLAIN_ENABLED", "false")
                .tls().orElseThrow().port(), "with the plain port off, the TLS port may take its number");
    }

    @Test
    void checkReportsATlsMistakeWithExitTwoNamingTheKey() throws Exception {
        Path encrypted = dir.resolve("check-encrypted.key");
        TestCertificates.openssl("pkey", "-in", pki.serverKey().toString(), "-aes256", "-passout", "pass:secret",
                "-out", encrypted.toString());
        Path config = Files.writeString(dir.resolve("tls.yaml"), String.join("\n", "spool:",
                "  dir: " + dir.resolve("spool"), "dicom:", "  tls:", "    enabled: true",
                "    certificate: " + pki.serverCertificate(), "    privateKey: " + encrypted,
                "    trustedCertificates: " + pki.caCertificate(), ""));
        Cli.Output check = Cli.execute("check", "--config", config.toString());
        assertEquals(2, check.exitCode(), check.out() + check.err());
        assertTrue(check.err().contains("dicom.tls.privateKey") && check.err().contains("encrypted"), check.err());
    }

    @Test
    void checkReportsTheCertificatesExpiry() throws Exception {
        Path config = Files.writeString(dir.resolve("tls-ok.yaml"), String.join("\n", "spool:",
                "  dir: " + dir.resolve("spool-ok"), "deidentify:", "  secretFile: " + dir.resolve("secret.key"),
                "destination:", "  local:", "    dir: " + dir.resolve("bucket"), "metadata:", "  local:",
                "    dir: " + dir.resolve("metadata"), "dicom:", "  tls:", "    enabled: true",
                "    certificate: " + pki.serverCertificate(), "    privateKey: " + pki.serverKey(),
                "    trustedCertificates: " + pki.caCertificate(), ""));
        Cli.Output check = Cli.execute("check", "--config", config.toString());
        assertTrue(check.out().lines().anyMatch(line -> line.startsWith("ok") && line.contains("dicom tls")
                && line.contains("port 2762, client auth required, certificate expires") && line.contains("(in 29 days)")),
                check.out() + check.err());
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(Map.of(
                "DICOM_GATEWAY_DICOM_TLS_ENABLED", "true",
                "DICOM_GATEWAY_DICOM_TLS_PORT", "0",
                "DICOM_GATEWAY_DICOM_TLS_CERTIFICATE", pki.serverCertificate().toString(),
                "DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", pki.serverKey().toString(),
                "DICOM_GATEWAY_DICOM_TLS_TRUSTEDCERTIFICATES", pki.caCertificate().toString()));
        return environment;
    }

    private static GatewayConfig.Dicom load(String... overrides) {
        try {
            return GatewayConfig.load(null, with(overrides)).dicom();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static String refused(String... overrides) {
        return assertThrows(ConfigException.class, () -> GatewayConfig.load(null, with(overrides))).getMessage();
    }

    private static Map<String, String> with(String... overrides) {
        Map<String, String> environment = environment();
        for (int i = 0; i < overrides.length; i += 2) {
            environment.put(overrides[i], overrides[i + 1]);
        }
        return environment;
    }
}
