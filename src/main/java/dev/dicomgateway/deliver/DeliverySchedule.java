package dev.dicomgateway.deliver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When each pending batch that is not being delivered is tried next, in memory: loaded from the manifests at start-up
 * and updated as each attempt ends (the manifest stays the source of truth; this is its index). A tick takes the
 * batches due now, oldest sealed first, in time proportional to what it takes — 10,000 batches waiting out an outage's
 * backoff cost a tick nothing.
 */
final class DeliverySchedule {
    private record Entry(Instant due, Instant sealedAt, String batchId) {
    }

    private static final Comparator<Entry> BY_SEALED = Comparator.comparing(Entry::sealedAt).thenComparing(Entry::batchId);

    /** Not due yet, soonest first. */
    private final TreeSet<Entry> waiting = new TreeSet<>(Comparator.comparing(Entry::due).thenComparing(BY_SEALED));
    /** Due, oldest sealed first (the order batches are delivered in). */
    private final TreeSet<Entry> due = new TreeSet<>(BY_SEALED);
    private final Map<String, Entry> entries = new HashMap<>();

    /** Schedules {@code batchId} (replacing its earlier time) for {@code dueAt}, or as soon as possible when null. */
    synchronized void put(String batchId, Instant dueAt, Instant sealedAt) {
        remove(batchId);
        Entry entry = new Entry(dueAt == null ? Instant.MIN : dueAt, sealedAt, batchId);
        entries.put(batchId, entry);
        waiting.add(entry);
    }

    synchronized void remove(String batchId) {
        Entry entry = entries.remove(batchId);
        if (entry != null) {
            waiting.remove(entry);
            due.remove(entry);
        }
    }

    /** Removes and returns up to {@code limit} batches due at {@code now}, oldest sealed first. */
    synchronized List<String> take(Instant now, int limit) {
        while (!waiting.isEmpty() && !waiting.first().due().isAfter(now)) {
            due.add(waiting.pollFirst());
        }
        List<String> taken = new ArrayList<>();
        while (taken.size() < limit && !due.isEmpty()) {
            Entry entry = due.pollFirst();
            entries.remove(entry.batchId());
            taken.add(entry.batchId());
        }
        return taken;
    }

    /** Batches scheduled (waiting or due), not counting those taken and not yet put back. */
    synchronized int size() {
        return entries.size();
    }
}
