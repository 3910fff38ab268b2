package dev.dicomgateway.receive;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Open connections per remote address (negotiating or associated), at most dicom.maxAssociationsPerPeer each, so
 * one host cannot take every place the listener has. Addresses without connections are forgotten.
 */
final class PeerConnections {
    private final int maxPerPeer;
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    PeerConnections(int maxPerPeer) {
        this.maxPerPeer = maxPerPeer;
    }

    /** Counts a new connection from {@code peer}; false (and nothing counted) when the peer already has its maximum. */
    boolean tryOpen(InetAddress peer) {
        boolean[] opened = {false};
        open.compute(peer, (address, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerPeer) {
                return count;
            }
            opened[0] = true;
            return current + 1;
        });
        return opened[0];
    }

    /** A connection counted by {@link #tryOpen} has ended. */
    void closed(InetAddress peer) {
        open.computeIfPresent(peer, (address, count) -> count <= 1 ? null : count - 1);
    }
}
