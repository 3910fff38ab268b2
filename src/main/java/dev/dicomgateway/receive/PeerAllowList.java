package dev.dicomgateway.receive;

import dev.dicomgateway.config.AddressRange;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dicom.allowedPeers, applied to a connection as soon as it is accepted (before any byte is read). A refused address
 * is logged at most once per {@link #LOG_INTERVAL}, so a port scanner cannot flood the log; the count of connections
 * refused in between is in the next line and in associations_total{result="rejected_peer_not_allowed"}.
 */
final class PeerAllowList {
    static final Duration LOG_INTERVAL = PeerLogThrottle.INTERVAL;
    private static final Logger LOG = LoggerFactory.getLogger(PeerAllowList.class);

    private final List<AddressRange> allowed;
    private final PeerLogThrottle throttle;

    PeerAllowList(List<AddressRange> allowed, Clock clock) {
        this.allowed = List.copyOf(allowed);
        this.throttle = new PeerLogThrottle(clock);
    }

    /** True when the list is empty or {@code peer} is in one of its ranges. */
    boolean allows(InetAddress peer) {
        return allowed.isEmpty() || allowed.stream().anyMatch(range -> range.contains(peer));
    }

    /** Records a refused connection from {@code peer}; logs it unless this address was logged within the interval. */
    void refused(InetAddress peer) {
        throttle.admit(peer).ifPresent(unloggedBefore -> LOG.warn("connection from {} closed before reading: address "
                + "not in dicom.allowedPeers{} (add the sender's address or network to dicom.allowedPeers if it should send)",
                peer.getHostAddress(), unloggedBefore == 0 ? "" : "; " + unloggedBefore + " more from it since the last such line"));
    }
}
