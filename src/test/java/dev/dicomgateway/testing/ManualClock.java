package dev.dicomgateway.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it: {@link #advance} and {@link #set}. Safe to read from the threads
 * of a gateway under test while the test thread moves it.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward by {@code step} (which must not be negative) and returns the new time. */
    public Instant advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a clock advanced by " + step + " would go backwards; use set()");
        }
        synchronized (this) {
            now = now.plus(step);
            return now;
        }
    }

    /** Sets the clock to {@code time}, backwards too (a clock corrected by NTP). */
    public void set(Instant time) {
        now = time;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a ManualClock is in UTC, like the gateway's clock");
        }
        return this;
    }
}
