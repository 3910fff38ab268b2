package dev.dicomgateway.receive;

import dev.dicomgateway.config.AddressRange;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dicom.allowedPeers, applied to a connection as soon as it is accepted (before any byte is read). A refused address
 * is logged at most once per {@link #LOG_INTERVAL}, so a port scanner cannot flood the log; the count of connections
 * refused in between is in the next line and in associations_total{result="rejected_peer_not_allowed"}.
 */
final class PeerAllowList {
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    /** Beyond this many remembered addresses, those not logged within the interval are forgotten. */
    private static final int REMEMBERED_ADDRESSES = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PeerAllowList.class);

    private final List<AddressRange> allowed;
    private final Clock clock;
    private final ConcurrentMap<InetAddress, Refusals> refusals = new ConcurrentHashMap<>();

    PeerAllowList(List<AddressRange> allowed, Clock clock) {
        this.allowed = List.copyOf(allowed);
        this.clock = clock;
    }

    /** True when the list is empty or {@code peer} is in one of its ranges. */
    boolean allows(InetAddress peer) {
        return allowed.isEmpty() || allowed.stream().anyMatch(range -> range.contains(peer));
    }

    /**
     * Records a refused connection from {@code peer}; logs it unless this address was logged within the interval.
     * When more addresses than {@link #REMEMBERED_ADDRESSES} were refused within the interval, new ones are only
     * counted, so neither the log nor this memory grows with a scan of many addresses.
     */
    void refused(InetAddress peer) {
        Instant now = clock.instant();
        if (refusals.size() >= REMEMBERED_ADDRESSES && !refusals.containsKey(peer)) {
            refusals.values().removeIf(entry -> !now.isBefore(entry.loggedAt.plus(LOG_INTERVAL)));
            if (refusals.size() >= REMEMBERED_ADDRESSES) {
                return;
            }
        }
        Refusals entry = refusals.compute(peer, (address, previous) -> {
            if (previous == null || !now.isBefore(previous.loggedAt.plus(LOG_INTERVAL))) {
                return new Refusals(now, 0, previous == null ? 0 : previous.unlogged);
            }
            return new Refusals(previous.loggedAt, previous.unlogged + 1, -1);
        });
        if (entry.unloggedBefore >= 0) {
            LOG.warn("connection from {} closed before reading: address not in dicom.allowedPeers{} (add the sender's "
                    + "address or network to dicom.allowedPeers if it should send)", peer.getHostAddress(),
                    entry.unloggedBefore == 0 ? "" : "; " + entry.unloggedBefore + " more from it since the last such line");
        }
    }

    /**
     * When an address was last logged and how many refusals since then were not; {@code unloggedBefore} is -1 for a
     * refusal not to log, else the count to report in its line.
     */
    private record Refusals(Instant loggedAt, long unlogged, long unloggedBefore) {
    }
}
