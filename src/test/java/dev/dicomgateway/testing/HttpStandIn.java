package dev.dicomgateway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the Google API stand-ins share: JSON answers, Google's error body, query strings. */
final class HttpStandIn {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpStandIn() {
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Google's JSON error body, which the client libraries turn into exceptions with code and reason. */
    static void error(HttpExchange exchange, int status, String reason, String message) throws IOException {
        json(exchange, status, Map.of("error", Map.of("code", status, "message", message,
                "errors", List.of(Map.of("message", message, "reason", reason, "domain", "global")))));
    }

    /**
     * Adds a chunk of a resumable upload at the offset its Content-Range names ("bytes START-END/TOTAL|*"), dropping
     * anything received beyond that offset (a chunk sent again after a lost answer), as the real services do.
     */
    static void appendAt(java.io.ByteArrayOutputStream received, String contentRange, byte[] body) {
        synchronized (received) {
            if (contentRange != null && contentRange.matches("bytes \\d+-\\d+/(\\d+|\\*)")) {
                int start = Integer.parseInt(contentRange.substring(6, contentRange.indexOf('-')));
                if (start < received.size()) {
                    byte[] kept = java.util.Arrays.copyOf(received.toByteArray(), start);
                    received.reset();
                    received.writeBytes(kept);
                }
            }
            received.writeBytes(body);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }
}
