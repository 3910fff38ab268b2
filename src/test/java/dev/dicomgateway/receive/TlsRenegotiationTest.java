package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.TestCertificates;
import dev.dicomgateway.testing.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.2 client may not renegotiate: every renegotiation costs the gateway a private-key operation, so a peer
 * renegotiating in a loop on a few connections would occupy the CPU (JSSE accepts client-initiated renegotiation
 * unless told otherwise). openssl s_client's "R" command is the peer; the gateway runs as its own process, since the
 * JSSE setting is read once per JVM.
 */
class TlsRenegotiationTest {
    @TempDir
    Path dir;

    @Test
    void aClientInitiatedRenegotiationIsRefused() throws Exception {
        TestCertificates pki = TestCertificates.create(dir.resolve("pki"), TestCertificates.KeyType.RSA, 30);
        int tlsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            tlsPort = free.getLocalPort();
        }
        try (GatewayProcess gateway = GatewayProcess.start(dir.resolve("spool"), dir.resolve("gateway.log"),
                pki.gatewayOverrides("DICOM_GATEWAY_DICOM_TLS_PORT", String.valueOf(tlsPort),
                        "DICOM_GATEWAY_DICOM_TLS_CLIENTAUTH", "none"))) {
            Dcmtk.Result echo = Dcmtk.echoscu(tlsPort, TestGateway.AE_TITLE, "ECHOSCU", pki.anonymousClient());
            assertEquals(0, echo.exitCode(), "the TLS port works: " + echo.output());

            Process client = new ProcessBuilder("openssl", "s_client", "-tls1_2", "-connect", "127.0.0.1:" + tlsPort,
                    "-CAfile", pki.caCertificate().toString()).redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            CountDownLatch handshakeDone = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        if (line.contains("Verify return code")) {
                            handshakeDone.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the client ended
                }
            });
            reader.start();
            assertTrue(handshakeDone.await(10, TimeUnit.SECONDS), "no TLS 1.2 handshake: " + output);
            try (OutputStream stdin = client.getOutputStream()) {
                stdin.write("R\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                Thread.sleep(2000);
            } catch (java.io.IOException closedByTheGateway) {
                // the gateway ended the connection: what is wanted
            }
            if (!client.waitFor(10, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
            reader.join(5000);
            String text;
            synchronized (output) {
                text = output.toString();
            }
            assertTrue(text.contains("RENEGOTIATING"), "the client asked to renegotiate:\n" + text);
            String after = text.substring(text.indexOf("RENEGOTIATING"));
            assertFalse(after.contains("verify return:"), "a second handshake (certificate verified again) happened:\n" + text);
            assertEquals(0, Dcmtk.echoscu(tlsPort, TestGateway.AE_TITLE, "ECHOSCU", pki.anonymousClient()).exitCode(),
                    "the gateway still serves TLS clients");
        }
    }
}
