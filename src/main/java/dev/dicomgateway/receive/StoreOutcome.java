package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;

/**
 * The answer to one C-STORE: the DIMSE status, a metric label saying why (no PHI), an error comment for the sender
 * (at most 64 characters on the wire, no PHI), and for a failure the whole cause for the log line (no PHI; never
 * sent), empty when the comment says it all.
 */
public record StoreOutcome(int status, String reason, String comment, boolean duplicate, String cause) {

    public static StoreOutcome stored() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", false, "");
    }

    /** Stored, replacing an earlier copy of the same SOP Instance UID. */
    public static StoreOutcome storedAgain() {
        return new StoreOutcome(Status.SUCCESS, "stored", "", true, "");
    }

    public static StoreOutcome refused(int status, String reason, String comment) {
        return new StoreOutcome(status, reason, comment, false, "");
    }

    /** Not stored because something failed; {@code cause} is the exception as the log gives it. */
    public static StoreOutcome failed(int status, String reason, String comment, String cause) {
        return new StoreOutcome(status, reason, comment, false, cause);
    }

    public boolean success() {
        return status == Status.SUCCESS;
    }
}
