package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestCertificates;
import dev.dicomgateway.testing.TestGateway;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DICOM TLS port (dicom.tls.*) with dcmtk as the real peer and a throw-away PKI made by openssl: who is let in,
 * who is refused and how each refusal is counted.
 */
class TlsPortTest {
    private static final String FAILURES = "dicom_gateway_tls_handshake_failures_total{gateway=\"gw-1\",reason=\"";
    @TempDir
    static Path certificates;
    private static TestCertificates rsa;

    @TempDir
    Path spool;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rsa = TestCertificates.create(certificates.resolve("rsa"), TestCertificates.KeyType.RSA, 30);
    }

    @Test
    void aClientWithATrustedCertificateEchoesAndStores() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides())) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.trustedClient());
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());

            Path ct = ctSmall();
            Dcmtk.StoreReport store = Dcmtk.storescu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "-xe",
                    rsa.trustedClient(), List.of(ct));
            assertEquals(List.of(ct), store.stored(), store.result().output());
            List<Path> staged = StagedFiles.under(spool);
            assertEquals(1, staged.size(), "staged: " + staged);
            assertTrue(StagedFiles.contains(Files.readAllBytes(staged.get(0)), pixelTail(ct)), "the instance arrived whole");
            assertEquals(0, totalFailures(gateway), gateway.registry().scrape());
        }
    }

    @Test
    void aSelfSignedClientCertificateIsRefusedAsUntrusted() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides());
             LogCapture log = new LogCapture()) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.untrustedClient());
            assertTrue(echo.exitCode() != 0, echo.output());
            assertFalse(echo.output().contains("Received Echo Response"), echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "untrusted_certificate\"} 1.0");
            assertEquals(1, totalFailures(gateway), gateway.registry().scrape());
            assertTrue(log.text().contains("TLS handshake with 127.0.0.1 failed: untrusted_certificate"), log.text());
            Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.untrustedClient());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "untrusted_certificate\"} 2.0");
            assertEquals(1, log.text().split("TLS handshake with 127.0.0.1 failed", -1).length - 1,
                    "one line a minute per address:\n" + log.text());
            assertFalse(log.text().contains("untrusted modality"), "no certificate subject in the log:\n" + log.text());
        }
    }

    @Test
    void aClientWithoutCertificateIsRefusedWhenClientAuthIsRequired() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides())) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.anonymousClient());
            assertTrue(echo.exitCode() != 0, echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "no_certificate\"} 1.0");
            assertEquals(1, totalFailures(gateway), gateway.registry().scrape());
        }
    }

    @Test
    void clientAuthNoneAcceptsAnAnonymousTlsClient() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", "none", "DICOM_GATEWAY_DICOM_TLS_TRUSTEDCERTIFICATES", ""))) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.anonymousClient());
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());
        }
    }

    @Test
    void clientAuthOptionalAcceptsNoCertificateButRefusesAnUntrustedOne() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", "optional"))) {
            Dcmtk.Result anonymous = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.anonymousClient());
            assertEquals(0, anonymous.exitCode(), anonymous.output());
            Dcmtk.Result untrusted = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.untrustedClient());
            assertTrue(untrusted.exitCode() != 0, untrusted.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "untrusted_certificate\"} 1.0");
        }
    }

    /** TLSv1.2 alone serves dcmtk; a cipher suite dcmtk's BCP 195 profile does not offer fails as protocol. */
    @Test
    void protocolsAndCipherSuitesAreThoseConfigured() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_TLS_PROTOCOLS", "TLSv1.2"))) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.trustedClient());
            assertEquals(0, echo.exitCode(), echo.output());
        }
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_TLS_PROTOCOLS", "TLSv1.2",
                "DICOM_GATEWAY_DICOM_TLS_CIPHERSUITES", cbcSuiteThisRuntimeSupports()))) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.trustedClient());
            assertTrue(echo.exitCode() != 0, echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "protocol\"} 1.0");
        }
    }

    /**
     * A CBC suite (BCP 195's profiles offer only AEAD ones, so dcmtk never proposes it) that this Java runtime still
     * supports: updates drop old suites (Debian's current 17 no longer lists TLS_RSA_WITH_AES_128_CBC_SHA).
     */
    private static String cbcSuiteThisRuntimeSupports() throws Exception {
        java.util.Set<String> supported = java.util.Set.of(
                javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        return java.util.stream.Stream.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                        "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA")
                .filter(supported::contains).findFirst()
                .orElseThrow(() -> new AssertionError("no CBC suite among this runtime's: " + supported));
    }

    @Test
    void aPlainClientOnTheTlsPortIsRefusedAsNotTls() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides())) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertTrue(echo.exitCode() != 0, echo.output());
            assertFalse(echo.output().contains("Association Accepted"), echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "not_tls\"} 1.0");
            Dcmtk.Result plain = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertEquals(0, plain.exitCode(), "the plain port still serves plain clients:\n" + plain.output());
        }
    }

    @Test
    void aClientOutsideTheAllowedPeersIsClosedBeforeTheHandshake() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "10.0.0.0/8"))) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.trustedClient());
            assertTrue(echo.exitCode() != 0, echo.output());
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"rejected_peer_not_allowed\"} 1.0");
            assertEquals(0, totalFailures(gateway), "no handshake was attempted:\n" + gateway.registry().scrape());
        }
    }

    /**
     * A peer that starts a handshake and then drips it a byte every 200 ms (each byte would restart a per-read
     * timeout) is closed at dicom.associationRequestTimeout, counted as timeout.
     */
    @Test
    void aDrippedHandshakeIsClosedAtTheAssociationRequestTimeout() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_ASSOCIATIONREQUESTTIMEOUT", "1s"));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.dicomTlsPort())) {
            long started = System.nanoTime();
            byte[] record = {0x16, 0x03, 0x01, 0x00, (byte) 0xC8}; // a handshake record of 200 bytes: a ClientHello's start
            long closedAfter = -1;
            for (int i = 0; i < 40 && closedAfter < 0; i++) {
                try {
                    socket.getOutputStream().write(i < record.length ? record[i] : 0x01);
                    socket.getOutputStream().flush();
                } catch (java.net.SocketException closed) {
                    closedAfter = (System.nanoTime() - started) / 1_000_000;
                    break;
                }
                Thread.sleep(200);
                if (gateway.registry().scrape().contains(FAILURES + "timeout\"} 1.0")) {
                    closedAfter = (System.nanoTime() - started) / 1_000_000;
                }
            }
            assertTrue(closedAfter >= 900 && closedAfter < 3_000, "closed after " + closedAfter + " ms (1 s deadline)");
            ProtocolDeadlinesTest.awaitCounted(gateway, FAILURES + "timeout\"} 1.0");
            assertEquals(1, totalFailures(gateway), gateway.registry().scrape());
        }
    }

    /** The handshake runs on the connection's thread: a peer stalled in it does not keep the next one from being served. */
    @Test
    void aStalledHandshakeDoesNotHoldUpTheNextClient() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_ASSOCIATIONREQUESTTIMEOUT", "30s"));
             Socket stalled = new Socket(InetAddress.getLoopbackAddress(), gateway.dicomTlsPort())) {
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            stalled.getOutputStream().flush();
            Thread.sleep(200);
            long started = System.nanoTime();
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU",
                    List.of("-to", "5", "-ta", "5", "+tls", rsa.clientKey().toString(), rsa.clientCertificate().toString(),
                            "+cf", rsa.caCertificate().toString()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(millis < 5_000, "served after " + millis + " ms");
        }
    }

    @Test
    void withThePlainPortDisabledOnlyTheTlsPortListens() throws Exception {
        int plainPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            plainPort = free.getLocalPort();
        }
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_PLAIN_ENABLED", "false", "DICOM_GATEWAY_DICOM_PORT", String.valueOf(plainPort)))) {
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), plainPort).close());
            assertThrows(IllegalStateException.class, gateway::dicomPort);
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", rsa.trustedClient());
            assertEquals(0, echo.exitCode(), echo.output());
        }
    }

    @Test
    void anEcServerCertificateWithItsKeyInSec1FormServes() throws Exception {
        TestCertificates ec = TestCertificates.create(certificates.resolve("ec"), TestCertificates.KeyType.EC, 30);
        Path sec1 = TestCertificates.traditional(ec.serverKey(), TestCertificates.KeyType.EC);
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"), Files.readString(sec1));
        try (Gateway gateway = TestGateway.startPassthrough(spool, ec.gatewayOverrides(
                "DICOM_GATEWAY_DICOM_TLS_PRIVATEKEY", sec1.toString()))) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomTlsPort(), TestGateway.AE_TITLE, "ECHOSCU", ec.trustedClient());
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());
        }
    }

    @Test
    void theExpiryGaugeIsTheServerCertificatesNotAfter() throws Exception {
        X509Certificate server;
        try (InputStream in = Files.newInputStream(rsa.serverCertificate())) {
            server = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (Gateway gateway = TestGateway.startPassthrough(spool, rsa.gatewayOverrides())) {
            String scrape = gateway.registry().scrape();
            long scraped = scrape.lines().filter(line -> line.startsWith("dicom_gateway_tls_certificate_expiry_timestamp_seconds{"))
                    .map(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                    .orElseThrow(() -> new AssertionError("no expiry gauge:\n" + scrape));
            assertEquals(server.getNotAfter().toInstant().getEpochSecond(), scraped, scrape);
        }
    }

    private static double totalFailures(Gateway gateway) {
        return gateway.registry().scrape().lines().filter(line -> line.startsWith("dicom_gateway_tls_handshake_failures_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static Path ctSmall() throws Exception {
        return Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow().path();
    }

    /** The last 64 bytes of the file: pixel data, which passthrough leaves as it was. */
    private static byte[] pixelTail(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        return java.util.Arrays.copyOfRange(bytes, bytes.length - 64, bytes.length);
    }
}
