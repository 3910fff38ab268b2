package dev.dicomgateway.receive;

import java.time.Instant;

/**
 * One ended association as the operator console lists it: technical fields only (the calling and called AE titles,
 * the peer's address, counts, how it ended, when) — the same fields as the association's closing log line, no PHI.
 */
public record AssociationSummary(long id, String callingAe, String calledAe, String peer, long instances, long failed,
                                 long bytes, Instant endedAt, long durationMillis, String outcome) {
}
