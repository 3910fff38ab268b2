package dev.dicomgateway.receive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last {@value #CAPACITY} ended associations, newest first (a bounded ring kept in memory, for the console). */
public final class RecentAssociations {
    static final int CAPACITY = 100;
    private final ArrayDeque<AssociationSummary> ring = new ArrayDeque<>(CAPACITY);

    synchronized void add(AssociationSummary summary) {
        if (ring.size() == CAPACITY) {
            ring.removeLast();
        }
        ring.addFirst(summary);
    }

    /** The ended associations still held, newest first. */
    public synchronized List<AssociationSummary> newestFirst() {
        return new ArrayList<>(ring);
    }
}
