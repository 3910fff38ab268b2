package dev.dicomgateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing an answer of the console's API: a JSON document, or {"error": …}, never cached, closed after. */
final class JsonAnswer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonAnswer() {
    }

    static void send(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    static void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, Map.of("error", message));
    }

    /** Answers {@code bytes} with the headers every console answer carries (no caching, no sniffing, no framing). */
    static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
            if (!head && bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** GET or HEAD, else a 405 is sent and false returned. */
    static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        error(exchange, 405, method + " is not allowed here (reading is GET; actions are POST to their own path)");
        return false;
    }

    /** At most this many entries in a list answer unless {@code ?limit=} asks for fewer or more (up to MAX_LIMIT). */
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 5000;

    /**
     * Puts {@code entries} under {@code name} in {@code out}, cut to the request's {@code ?limit=N} (default
     * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}), with {@code total} and {@code truncated}: a spool with
     * 20,000 quarantined instances must not make one answer megabytes long.
     */
    static void putLimited(Map<String, Object> out, String name, java.util.List<?> entries, HttpExchange exchange) {
        int limit = DEFAULT_LIMIT;
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&", 16)) {
                if (parameter.startsWith("limit=") && parameter.length() <= 12
                        && parameter.substring(6).matches("[0-9]{1,6}")) {
                    limit = Math.min(MAX_LIMIT, Integer.parseInt(parameter.substring(6)));
                }
            }
        }
        out.put(name, entries.subList(0, Math.min(limit, entries.size())));
        out.put("total", entries.size());
        out.put("truncated", entries.size() > limit);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
