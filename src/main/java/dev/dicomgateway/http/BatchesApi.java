package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dicomgateway.spool.BatchManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /api/batches: the failed batches with their reasons (what `status` lists); POST /api/batches/{id}/retry puts
 * one back for delivery, as `dicom-gateway retry` does ({@link dev.dicomgateway.deliver.FailedBatches}).
 */
final class BatchesApi implements HttpHandler {
    /** A batch id is a spool directory name: no separators, no leading dot. */
    private static final Pattern RETRY = Pattern.compile("/api/batches/([A-Za-z0-9_-][A-Za-z0-9._-]{0,199})/retry");
    private final ConsoleSources sources;
    private final AdminActions actions;

    BatchesApi(ConsoleSources sources, AdminActions actions) {
        this.sources = sources;
        this.actions = actions;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher retry = RETRY.matcher(path);
        if (retry.matches()) {
            String id = retry.group(1);
            actions.run(exchange, "retry", id, user -> {
                if (!Files.isDirectory(sources.layout().failed().resolve(id))) {
                    throw new NoSuchBatchException("no failed batch " + id + " (retried already? see GET /api/batches)");
                }
                sources.failedBatches().retry(id);
                return "batch " + id + " is back in batches/ for delivery";
            });
            return;
        }
        if (!path.equals("/api/batches")) {
            JsonAnswer.error(exchange, 404, "no such path (GET /api/batches, POST /api/batches/{id}/retry)");
            return;
        }
        if (!JsonAnswer.readOnly(exchange)) {
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        JsonAnswer.putLimited(out, "failed", sources.failedBatches().list().stream().map(BatchesApi::failed).toList(),
                exchange);
        JsonAnswer.send(exchange, 200, out);
    }

    private static Map<String, Object> failed(BatchManifest manifest) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", manifest.batchId);
        out.put("state", manifest.state.name());
        out.put("reason", manifest.failedReason);
        out.put("last_error", manifest.lastError);
        out.put("attempts", manifest.attempts);
        out.put("sealed_at", manifest.sealedAt);
        out.put("collection", manifest.collection);
        out.put("entity", manifest.entity);
        out.put("item", manifest.item);
        out.put("part", manifest.part);
        out.put("instances", manifest.instances.size());
        out.put("bytes", manifest.bytes());
        return out;
    }
}
