package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * GET / and its two assets: the console's page, script and style, plain files shipped in the jar
 * (dev/dicomgateway/http/console/). The page may load only what this server serves (a Content-Security-Policy without
 * inline script), and renders every value as text.
 */
final class ConsoleResources implements HttpHandler {
    private static final String FOLDER = "console/";
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/console.css", new String[] {"console.css", "text/css; charset=utf-8"});
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String[] file = FILES.get(exchange.getRequestURI().getPath());
        if (file == null) {
            JsonAnswer.send(exchange, 404, "text/plain; charset=utf-8", JsonAnswer.utf8("not found (the console is at /, "
                    + "its API under /api/, health at /healthz, /readyz, /metrics)\n"));
            return;
        }
        if (!JsonAnswer.readOnly(exchange)) {
            return;
        }
        byte[] bytes;
        try (InputStream in = ConsoleResources.class.getResourceAsStream(FOLDER + file[0])) {
            if (in == null) {
                throw new IOException("console resource " + file[0] + " missing from the jar (broken build)");
            }
            bytes = in.readNBytes(1 << 20);
        }
        exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
        JsonAnswer.send(exchange, 200, file[1], bytes);
    }
}
