package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's API rules without a browser: who may read, who may act, and what a cross-site request gets. */
class ConsoleApiTest {
    private static final String TOKEN = "api-test-token-77c1";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void withoutATokenFileReadingWorksAndActionsAnswer403NamingTheKey() throws Exception {
        try (Gateway gateway = TestGateway.start(work.resolve("spool"))) {
            String base = "http://127.0.0.1:" + gateway.httpPort();
            HttpResponse<String> page = get(base + "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"/console.js\""), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
            HttpResponse<String> status = get(base + "/api/status");
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("\"actions_enabled\" : false"), status.body());
            HttpResponse<String> retry = post(base + "/api/batches/b1/retry", Map.of("Authorization", "Bearer " + TOKEN));
            assertEquals(403, retry.statusCode(), retry.body());
            assertTrue(retry.body().contains("http.adminTokenFile"), retry.body());
            assertEquals(404, get(base + "/nothing-here").statusCode());
            assertEquals(200, get(base + "/metrics").statusCode(), "the operations endpoints are unchanged");
        }
    }

    @Test
    void actionsNeedPostTheBearerTokenAndASameSiteOriginAndAreLogged() throws Exception {
        Path tokenFile = tokenFile("rw-------");
        try (Gateway gateway = TestGateway.start(work.resolve("spool"), "DICOM_GATEWAY_HTTP_ADMINTOKENFILE", tokenFile.toString());
             LogCapture log = new LogCapture()) {
            String base = "http://127.0.0.1:" + gateway.httpPort();
            String retry = base + "/api/batches/b1/retry";
            assertEquals(405, get(retry).statusCode(), "an action is never a GET");
            assertEquals(401, post(retry, Map.of()).statusCode(), "no token");
            assertEquals(401, post(retry, Map.of("Authorization", "Bearer wrong")).statusCode(), "wrong token");
            assertEquals(401, post(retry, Map.of("Authorization", TOKEN)).statusCode(), "not a Bearer");
            assertEquals(403, post(retry, Map.of("Authorization", "Bearer " + TOKEN, "Origin", "http://evil.example"))
                    .statusCode(), "another site's Origin");
            assertEquals(403, post(retry, Map.of("Authorization", "Bearer " + TOKEN, "Sec-Fetch-Site", "cross-site"))
                    .statusCode(), "a cross-site fetch");
            HttpResponse<String> missing = post(retry, Map.of("Authorization", "Bearer " + TOKEN,
                    "Origin", base, "Sec-Fetch-Site", "same-origin"));
            assertEquals(404, missing.statusCode(), "allowed, but no such failed batch: " + missing.body());
            assertEquals(404, post(retry, Map.of("Authorization", "bearer " + TOKEN, "Origin",
                    base.replace("http://", "https://"))).statusCode(),
                    "the scheme word in any case; the same host behind a TLS proxy is this site");
            assertEquals(403, post(retry, Map.of("Authorization", "Bearer " + TOKEN, "Origin",
                    base.replace("http://", "https://") + ".evil.example")).statusCode(), "a look-alike host");
            assertEquals(404, post(base + "/api/quarantine/1.2.3/release", Map.of("Authorization", "Bearer " + TOKEN))
                    .statusCode());
            assertEquals(404, post(base + "/api/batches/..%2Fbatches%2Fx/retry", Map.of("Authorization", "Bearer " + TOKEN))
                    .statusCode(), "a batch id is one directory name");
            assertEquals(401, get(base + "/api/quarantine/1.2.3/preview.png").statusCode(),
                    "a preview may show burned-in text: it needs the token");
            String text = log.text();
            assertTrue(text.matches("(?s).*console action time=\\S+ remote=127\\.0\\.0\\.1 action=retry id=b1 "
                    + "outcome=refused: cross-site.*"), text);
            assertTrue(text.contains("action=retry id=b1 outcome=not found"), text);
            assertTrue(text.contains("action=release id=1.2.3 outcome=not found"), text);
        }
    }

    @Test
    void theTokenFileMustExistHoldATokenAndBeUnreadableToOthers() throws Exception {
        Path spool = work.resolve("spool");
        assertTrue(refusal(spool, work.resolve("absent")).contains("http.adminTokenFile"));
        Path empty = Files.writeString(work.resolve("empty"), "");
        assertTrue(refusal(spool, empty).contains("1 to 4096 bytes"), refusal(spool, empty));
        Path open = tokenFile("rw-r--r--");
        assertTrue(refusal(spool, open).contains("chmod o-r"), refusal(spool, open));
        Path good = tokenFile("rw-r-----");
        assertEquals(good, GatewayConfig.load(null, Map.of("DICOM_GATEWAY_SPOOL_DIR", spool.toString(),
                "DICOM_GATEWAY_HTTP_ADMINTOKENFILE", good.toString())).http().adminTokenFile().orElseThrow());
    }

    private static String refusal(Path spool, Path tokenFile) {
        return assertThrows(ConfigException.class, () -> GatewayConfig.load(null, Map.of("DICOM_GATEWAY_SPOOL_DIR",
                spool.toString(), "DICOM_GATEWAY_HTTP_ADMINTOKENFILE", tokenFile.toString()))).getMessage();
    }

    private Path tokenFile(String permissions) throws Exception {
        Path file = Files.writeString(work.resolve("token-" + permissions), TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
