package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;

/**
 * The answer to one C-STORE: the DIMSE status, a metric label saying why (no PHI), an error comment for the sender
 * (at most 64 characters on the wire, no PHI), for an instance already held where its earlier copy is (null when it
 * is new), and for a failure the whole cause for the log line (no PHI; never sent), empty when the comment says it all.
 */
public record StoreOutcome(int status, String reason, String comment, String duplicateStage, String cause) {
    /** {@link #duplicateStage} of an instance that replaced an earlier copy in its still open study. */
    public static final String OPEN = "open";

    public static StoreOutcome stored() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", null, "");
    }

    /** Stored, replacing an earlier copy of the same SOP Instance UID in its open study. */
    public static StoreOutcome storedAgain() {
        return duplicate(OPEN);
    }

    /**
     * Success for an instance already held with the same content: in its open study ("open"), sealed into a batch
     * ("sealed") or delivered ("delivered"). The metric label says which.
     */
    public static StoreOutcome duplicate(String stage) {
        return new StoreOutcome(Status.SUCCESS, "stored", "", stage, "");
    }

    public static StoreOutcome refused(int status, RefusalReason reason, String comment) {
        return new StoreOutcome(status, reason.label(), comment, null, "");
    }

    /** Not stored because something failed; {@code cause} is the exception as the log gives it. */
    public static StoreOutcome failed(int status, RefusalReason reason, String comment, String cause) {
        return new StoreOutcome(status, reason.label(), comment, null, cause);
    }

    public boolean success() {
        return status == Status.SUCCESS;
    }
}
