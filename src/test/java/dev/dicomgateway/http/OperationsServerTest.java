package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz and /metrics over real HTTP, after real traffic. */
class OperationsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path spool;

    @Test
    void healthReadinessAndMetricsReflectTraffic() throws Exception {
        try (Gateway gateway = TestGateway.start(spool)) {
            assertEquals(200, get(gateway, "/healthz").statusCode());
            HttpResponse<String> ready = get(gateway, "/readyz");
            assertEquals(200, ready.statusCode(), ready.body());

            Corpus.File ct = Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow();
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(ct.path()));
            assertEquals(List.of(ct.path()), report.stored(), report.result().output());

            System.gc(); // Micrometer holds gauge sources weakly: none may be lost
            HttpResponse<String> metrics = get(gateway, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = metrics.body();
            assertTrue(body.contains("dicom_gateway_instances_received_total{calling_ae=\"other\",gateway=\"gw-1\"} 1.0"), body);
            assertTrue(body.contains("dicom_gateway_associations_total{gateway=\"gw-1\",result=\"released\"} 1.0"), body);
            assertTrue(body.matches("(?s).*dicom_gateway_bytes_received_total\\{gateway=\"gw-1\"} [1-9][0-9.E]*\n.*"), body);
            assertTrue(body.contains("dicom_gateway_instances_rejected_total{gateway=\"gw-1\",reason=\"disk_low\"} 0.0"),
                    "rejection reasons are visible at zero, so alerts can use rate()");
            assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics");
            assertTrue(!body.contains("NaN"), "every gauge still has its source: " + body);
            for (String name : new String[] {"dicom_gateway_batches{", "dicom_gateway_spool_bytes", "dicom_gateway_studies_open",
                    "dicom_gateway_oldest_undelivered_seconds", "dicom_gateway_delivery_seconds", "dicom_gateway_spool_free_bytes"}) {
                assertTrue(body.contains(name), name);
            }
            assertTrue(body.contains("process_files_open_files"), "process metrics");
            assertTrue(!body.contains("CT_small") && !body.contains("CompressedSamples"), "no PHI in metrics");
        }
    }

    @Test
    void readinessFailsWhenDiskIsBelowThreshold() throws Exception {
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "1000TiB")) {
            HttpResponse<String> ready = get(gateway, "/readyz");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("spool_free_space: "), ready.body());
            assertEquals(200, get(gateway, "/healthz").statusCode(), "alive even when not ready");
        }
    }

    /**
     * Issue 9: clients that connect and send half a request line, or nothing, neither block the endpoint nor hold their
     * connection for long. In a process of its own, as installed: the JDK server reads its limits once per JVM.
     */
    @Test
    void halfOpenConnectionsNeitherBlockTheEndpointNorStayOpen() throws Exception {
        Path log = spool.resolveSibling(spool.getFileName() + ".log");
        try (GatewayProcess gateway = GatewayProcess.start(spool, log)) {
            int port = gateway.httpPort();
            List<Socket> stalled = new ArrayList<>();
            long opened = System.nanoTime();
            try {
                for (int i = 0; i < 12; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    stalled.add(socket);
                    if (i < 8) {
                        socket.getOutputStream().write("GET /rea".getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    }
                }
                Thread.sleep(300); // the server has taken up the half requests
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                for (int round = 0; round < 6; round++) {
                    for (String path : new String[] {"/readyz", "/metrics"}) {
                        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, answer.statusCode(), path + " in round " + round + ": " + answer.body());
                    }
                    Thread.sleep(500);
                }
                for (Socket socket : stalled) {
                    socket.setSoTimeout(10_000);
                    assertTrue(closedByServer(socket), "a stalled connection is closed by the server");
                }
                long seconds = Duration.ofNanos(System.nanoTime() - opened).toSeconds();
                assertTrue(seconds <= OperationsServer.MAX_REQUEST_SECONDS + 3, "closed after " + seconds + " s");
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read(new byte[1024]) < 0; // the server answers nothing, it closes
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    private HttpResponse<String> get(Gateway gateway, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
