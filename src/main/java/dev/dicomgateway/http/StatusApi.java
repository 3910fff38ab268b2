package dev.dicomgateway.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.dicomgateway.deliver.DestinationHealth;
import dev.dicomgateway.receive.MinuteCounts;
import dev.dicomgateway.spool.SpoolInventory;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/status: the console's overview — the fields of `status --json` plus rates, disk and destinations.
 *
 * <p>The spool's inventory walks the disk (about 250 ms with 20,000 quarantined files), so one walk at a time serves
 * every caller and its result is reused for {@value #INVENTORY_FRESH_MILLIS} ms: without that, 16 concurrent GETs took
 * 4.5 s and 64 held all the server's threads until connections were dropped, /healthz and /readyz queued behind them.
 */
final class StatusApi implements HttpHandler {
    static final long INVENTORY_FRESH_MILLIS = 1000;
    private final ConsoleSources sources;
    private SpoolInventory inventory;
    private long inventoryNanos;

    StatusApi(ConsoleSources sources) {
        this.sources = sources;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/api/status")) {
            JsonAnswer.error(exchange, 404, "no such path (see README: Operator console API)");
            return;
        }
        if (!JsonAnswer.readOnly(exchange)) {
            return;
        }
        Instant now = sources.clock().instant();
        SpoolInventory inventory = inventory(now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateway", sources.gatewayId());
        out.put("time", now.toString());
        out.put("open_studies", inventory.openStudies());
        out.put("open_instances", inventory.openInstances());
        out.put("batches", inventory.batchesByState());
        out.put("failed_batches", inventory.failed().size());
        out.put("quarantined_instances", inventory.quarantinedInstances());
        out.put("quarantined_by_reason", inventory.quarantinedByReason());
        out.put("oldest_undelivered_seconds", inventory.oldestUndelivered().toSeconds());
        out.put("spool_free_bytes", sources.diskSpace().usableBytes());
        out.put("spool_min_free_bytes", sources.diskSpace().minFreeBytes());
        out.put("active_associations", sources.receive().active());
        List<MinuteCounts.Minute> minutes = sources.receive().perMinute().lastHour();
        out.put("per_minute", minutes.stream().map(m -> Map.of("minute", Instant.ofEpochSecond(m.minute()).toString(),
                "instances", m.instances(), "bytes", m.bytes())).toList());
        out.put("instances_last_hour", minutes.stream().mapToLong(MinuteCounts.Minute::instances).sum());
        out.put("bytes_last_hour", minutes.stream().mapToLong(MinuteCounts.Minute::bytes).sum());
        out.put("destinations", sources.destinations().all().stream().map(StatusApi::destination).toList());
        out.put("actions_enabled", sources.token().configured());
        JsonAnswer.send(exchange, 200, out);
    }

    /** The inventory walked at most {@value #INVENTORY_FRESH_MILLIS} ms ago; callers meanwhile wait for one walk. */
    private synchronized SpoolInventory inventory(Instant now) throws IOException {
        if (inventory == null || System.nanoTime() - inventoryNanos >= INVENTORY_FRESH_MILLIS * 1_000_000) {
            inventory = SpoolInventory.of(sources.layout(), now);
            inventoryNanos = System.nanoTime();
        }
        return inventory;
    }

    private static Map<String, Object> destination(DestinationHealth.Destination destination) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("destination", destination.destination());
        out.put("last_success_at", destination.lastSuccessAt() == null ? null : destination.lastSuccessAt().toString());
        out.put("last_error_at", destination.lastErrorAt() == null ? null : destination.lastErrorAt().toString());
        out.put("last_error", destination.lastError());
        return out;
    }
}
