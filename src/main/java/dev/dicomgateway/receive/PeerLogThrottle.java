package dev.dicomgateway.receive;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * At most one log line per peer address per {@link #INTERVAL} for one kind of event (a refused connection, a failed
 * TLS handshake), so a port scanner cannot flood the log; the events not logged in between are counted for the next
 * line. Beyond {@link #REMEMBERED_ADDRESSES} addresses within the interval, new ones are only counted by the caller's
 * metric, so neither the log nor this memory grows with a scan of many addresses.
 */
final class PeerLogThrottle {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final int REMEMBERED_ADDRESSES = 4096;

    private final Clock clock;
    private final ConcurrentMap<InetAddress, Events> events = new ConcurrentHashMap<>();

    PeerLogThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Records an event from {@code peer}: the count of its events not logged since its last line when this one is to be logged, else empty. */
    OptionalLong admit(InetAddress peer) {
        Instant now = clock.instant();
        if (events.size() >= REMEMBERED_ADDRESSES && !events.containsKey(peer)) {
            events.values().removeIf(entry -> !now.isBefore(entry.loggedAt.plus(INTERVAL)));
            if (events.size() >= REMEMBERED_ADDRESSES) {
                return OptionalLong.empty();
            }
        }
        Events entry = events.compute(peer, (address, previous) -> {
            if (previous == null || !now.isBefore(previous.loggedAt.plus(INTERVAL))) {
                return new Events(now, 0, previous == null ? 0 : previous.unlogged);
            }
            return new Events(previous.loggedAt, previous.unlogged + 1, -1);
        });
        return entry.unloggedBefore >= 0 ? OptionalLong.of(entry.unloggedBefore) : OptionalLong.empty();
    }

    /**
     * When an address was last logged and how many events since then were not; {@code unloggedBefore} is -1 for an
     * event not to log, else the count to report in its line.
     */
    private record Events(Instant loggedAt, long unlogged, long unloggedBefore) {
    }
}
