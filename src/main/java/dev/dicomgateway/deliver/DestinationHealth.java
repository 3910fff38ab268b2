package dev.dicomgateway.deliver;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each destination's last successful delivery step and last failed one (with its error, as the batch's manifest
 * records it), since this process started: what the console shows. One entry per destination type (bounded).
 */
public final class DestinationHealth {
    /** One destination: its type (local, gcs, bigquery …), the times of its last success and error, and that error. */
    public record Destination(String destination, Instant lastSuccessAt, Instant lastErrorAt, String lastError) {
    }

    private final Clock clock;
    private final Map<String, Destination> destinations = new TreeMap<>();

    DestinationHealth(Clock clock) {
        this.clock = clock;
    }

    synchronized void succeeded(String destination) {
        Destination before = destinations.get(destination);
        destinations.put(destination, new Destination(destination, clock.instant(),
                before == null ? null : before.lastErrorAt(), before == null ? null : before.lastError()));
    }

    synchronized void failed(String destination, String error) {
        Destination before = destinations.get(destination);
        destinations.put(destination, new Destination(destination, before == null ? null : before.lastSuccessAt(),
                clock.instant(), error));
    }

    /** Every destination that was tried since the start, by type. */
    public synchronized List<Destination> all() {
        return new ArrayList<>(destinations.values());
    }
}
