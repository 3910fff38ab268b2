package dev.dicomgateway.receive;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Instances acknowledged and data set bytes received per wall-clock minute, for the last {@value #MINUTES} minutes:
 * a fixed ring of counters (bounded whatever the traffic), oldest minute overwritten as time moves on.
 */
public final class MinuteCounts {
    static final int MINUTES = 60;

    /** One minute's counts; {@code minute} is its start in epoch seconds. */
    public record Minute(long minute, long instances, long bytes) {
    }

    private final Clock clock;
    private final long[] minuteOf = new long[MINUTES];
    private final long[] instances = new long[MINUTES];
    private final long[] bytes = new long[MINUTES];

    public MinuteCounts(Clock clock) {
        this.clock = clock;
        java.util.Arrays.fill(minuteOf, -1);
    }

    synchronized void instance() {
        instances[slot(now())]++;
    }

    synchronized void bytes(long count) {
        bytes[slot(now())] += count;
    }

    /** The last {@value #MINUTES} minutes, oldest first, the current (partial) minute last; empty minutes as zero. */
    public synchronized List<Minute> lastHour() {
        long current = now();
        List<Minute> out = new ArrayList<>(MINUTES);
        for (long minute = current - MINUTES + 1; minute <= current; minute++) {
            int slot = (int) Math.floorMod(minute, (long) MINUTES);
            boolean held = minuteOf[slot] == minute;
            out.add(new Minute(minute * 60, held ? instances[slot] : 0, held ? bytes[slot] : 0));
        }
        return out;
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 60_000L);
    }

    private int slot(long minute) {
        int slot = (int) Math.floorMod(minute, (long) MINUTES);
        if (minuteOf[slot] != minute) {
            minuteOf[slot] = minute;
            instances[slot] = 0;
            bytes[slot] = 0;
        }
        return slot;
    }
}
