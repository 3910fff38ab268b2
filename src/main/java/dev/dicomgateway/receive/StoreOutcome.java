package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;

/**
 * The answer to one C-STORE: the DIMSE status, a metric label saying why (no PHI), and an error comment for the
 * sender (at most 64 characters on the wire, no PHI).
 */
public record StoreOutcome(int status, String reason, String comment, boolean duplicate) {

    public static StoreOutcome stored() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", false);
    }

    /** Stored, replacing an earlier copy of the same SOP Instance UID. */
    public static StoreOutcome storedAgain() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", true);
    }

    public static StoreOutcome refused(int status, String reason, String comment) {
        return new StoreOutcome(status, reason, comment, false);
    }

    public boolean success() {
        return status == Status.SUCCESS;
    }
}
