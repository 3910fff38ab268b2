package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dicomgateway.receive.AssociationSummary;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /api/associations: the last ended associations, newest first, with the fields of their closing log line. */
final class AssociationsApi implements HttpHandler {
    private final ConsoleSources sources;

    AssociationsApi(ConsoleSources sources) {
        this.sources = sources;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/api/associations")) {
            JsonAnswer.error(exchange, 404, "no such path (GET /api/associations)");
            return;
        }
        if (!JsonAnswer.readOnly(exchange)) {
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", sources.receive().active());
        out.put("recent", sources.receive().recentAssociations().newestFirst().stream().map(AssociationsApi::fields).toList());
        JsonAnswer.send(exchange, 200, out);
    }

    private static Map<String, Object> fields(AssociationSummary summary) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", summary.id());
        out.put("calling_ae", summary.callingAe());
        out.put("called_ae", summary.calledAe());
        out.put("peer", summary.peer());
        out.put("instances", summary.instances());
        out.put("failed", summary.failed());
        out.put("bytes", summary.bytes());
        out.put("ended_at", summary.endedAt().toString());
        out.put("duration_ms", summary.durationMillis());
        out.put("outcome", summary.outcome());
        return out;
    }
}
