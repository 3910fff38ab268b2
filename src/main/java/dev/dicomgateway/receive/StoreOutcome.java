package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;

/**
 * The answer to one C-STORE: the DIMSE status, a metric label saying why (no PHI), and an error comment for the
 * sender (at most 64 characters on the wire, no PHI).
 */
public record StoreOutcome(int status, String reason, String comment, String duplicateStage) {
    /** {@link #duplicateStage} of an instance that replaced an earlier copy in its still open study. */
    public static final String OPEN = "open";

    public static StoreOutcome stored() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", null);
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
        return new StoreOutcome(Status.SUCCESS, "stored", "", stage);
    }

    public static StoreOutcome refused(int status, String reason, String comment) {
        return new StoreOutcome(status, reason, comment, null);
    }

    public boolean success() {
        return status == Status.SUCCESS;
    }
}
