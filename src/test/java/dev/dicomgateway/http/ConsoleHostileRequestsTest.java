package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.TestGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's API against what a hostile page or client sends: a double-clicked action, cross-site forms, a
 * rebinding host, ids that try to leave their directory, and bodies nobody asked for.
 */
class ConsoleHostileRequestsTest {
    private static final String TOKEN = "hostile-test-token-5e2a";
    private static final String ID = "1.2.826.0.1.3680043.2.1125.9.77";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void aDoubleClickedPurgeIsDoneOnceTheOthersAnswer404() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_HTTP_ADMINTOKENFILE", tokenFile().toString())) {
            String base = "http://127.0.0.1:" + gateway.httpPort();
            for (int round = 0; round < 5; round++) {
                Path series = spool.resolve("quarantine/c/e" + round + "/i/se");
                Files.createDirectories(series);
                Files.write(series.resolve(ID + ".dcm"), new byte[] {1, 2, 3});
                Files.writeString(series.resolve(ID + ".reason"), "burned_in_annotation\tround " + round + "\n");
                List<CompletableFuture<HttpResponse<String>>> clicks = new ArrayList<>();
                for (int click = 0; click < 8; click++) {
                    clicks.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/quarantine/" + ID + "/purge"))
                            .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                Map<Integer, Integer> statuses = new TreeMap<>();
                for (CompletableFuture<HttpResponse<String>> click : clicks) {
                    statuses.merge(click.get().statusCode(), 1, Integer::sum);
                }
                assertEquals(Map.of(200, 1, 404, 7), statuses, "round " + round + ": one purge, seven not found");
                assertFalse(Files.exists(series.resolve(ID + ".dcm")));
            }
            String audit = Files.readString(spool.resolve("state/quarantine-audit.tsv"));
            assertEquals(5, audit.lines().filter(line -> line.contains("purge")).count(), "one audit line per purge:\n" + audit);
        }
    }

    @Test
    void crossSiteFormsRebindingHostsAndEscapingIdsAreRefusedWithoutA500() throws Exception {
        try (Gateway gateway = TestGateway.start(work.resolve("spool"), "DICOM_GATEWAY_HTTP_ADMINTOKENFILE",
                tokenFile().toString())) {
            int port = gateway.httpPort();
            String retry = "/api/batches/b1/retry";
            assertEquals(403, status(raw(port, "POST", retry, "Origin: null\r\nContent-Type: text/plain\r\n", "x=1")),
                    "a sandboxed or file: page's form");
            assertEquals(403, status(raw(port, "POST", retry, "Sec-Fetch-Site: cross-site\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n", "x=1")), "a cross-site form without Origin");
            assertEquals(401, status(raw(port, "POST", retry, "Content-Type: text/plain\r\n", "x=1")),
                    "a form cannot send the token");
            // DNS rebinding: the attacker's name resolves to 127.0.0.1, so Origin equals Host; the token still stops it
            String rebound = raw(port, "POST", retry, "Host: evil.example:" + port + "\r\nOrigin: http://evil.example:"
                    + port + "\r\nSec-Fetch-Site: same-origin\r\n", "");
            assertEquals(401, status(rebound), rebound);
            for (String id : List.of("..", "%2e%2e", ".%2E", "..%2f..%2fbatches", "a%00b", "%C3%A9", "a/b",
                    "x".repeat(5000), "%252e%252e")) {
                String answer = raw(port, "POST", "/api/batches/" + id + "/retry", "Authorization: Bearer " + TOKEN + "\r\n", "");
                assertTrue(status(answer) == 404 || status(answer) == 400, id + ": " + answer);
                String quarantine = raw(port, "POST", "/api/quarantine/" + id + "/purge", "Authorization: Bearer " + TOKEN
                        + "\r\n", "");
                assertTrue(status(quarantine) == 404 || status(quarantine) == 400, id + ": " + quarantine);
                assertFalse(answer.contains("Exception") || quarantine.contains("Exception"), answer + quarantine);
            }
            String big;
            try {
                big = raw(port, "POST", retry, "Content-Type: text/plain\r\n", "A".repeat(1 << 20));
            } catch (java.net.SocketException e) {
                big = "HTTP/1.1 000 reset: the server refused and closed without reading the 1 MiB body";
            }
            assertTrue(status(big) == 401 || status(big) == 0, "a 1 MiB body is not read: " + big);
            assertEquals(200, status(raw(port, "GET", "/api/status", "", "")), "and the server still answers");
            for (String method : List.of("PUT", "DELETE", "OPTIONS", "PATCH")) {
                String answer = raw(port, method, "/api/status", "Origin: http://evil.example\r\n", "");
                assertEquals(405, status(answer), method + ": " + answer);
                assertFalse(answer.toLowerCase(java.util.Locale.ROOT).contains("access-control-allow"), answer);
            }
            assertEquals(200, status(raw(port, "GET", "/api/status?x=%00%ff&y=%3Cscript%3E", "", "")));
        }
    }

    private Path tokenFile() throws Exception {
        Path file = Files.writeString(work.resolve("token"), TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** One request as bytes on a socket (the JDK client will not send a Host or Origin of our choosing). */
    private static String raw(int port, String method, String path, String headers, String body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String host = headers.startsWith("Host:") ? "" : "Host: 127.0.0.1:" + port + "\r\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\n" + host + headers + "Content-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(bytes);
                out.flush();
            } catch (java.io.IOException e) {
                // the server answered and closed before taking the whole body: its answer is still readable
            }
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
        }
    }

    private static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }
}
