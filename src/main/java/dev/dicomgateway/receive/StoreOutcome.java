package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;

/**
 * The answer to one C-STORE: the DIMSE status, why it was refused (null on Success; the metric label and the log's,
 * no PHI), an error comment for the sender (at most 64 characters on the wire, no PHI), for an instance already held
 * where its earlier copy is (null when it is new), and for a failure the whole cause for the log line (no PHI; never
 * sent), empty when the comment says it all.
 */
public record StoreOutcome(int status, RefusalReason reason, String comment, DuplicateStage duplicateStage,
                           String cause) {

    public static StoreOutcome stored() {
        return new StoreOutcome(Status.SUCCESS, null, "", null, "");
    }

    /** Stored, replacing an earlier copy of the same SOP Instance UID in its open study. */
    public static StoreOutcome storedAgain() {
        return duplicate(DuplicateStage.OPEN);
    }

    /**
     * Success for an instance already held with the same content: in its open study ("open"), sealed into a batch
     * ("sealed") or delivered ("delivered"). The metric label says which.
     */
    public static StoreOutcome duplicate(DuplicateStage stage) {
        return new StoreOutcome(Status.SUCCESS, null, "", stage, "");
    }

    public static StoreOutcome refused(int status, RefusalReason reason, String comment) {
        return new StoreOutcome(status, reason, comment, null, "");
    }

    /** Not stored because something failed; {@code cause} is the exception as the log gives it. */
    public static StoreOutcome failed(int status, RefusalReason reason, String comment, String cause) {
        return new StoreOutcome(status, reason, comment, null, cause);
    }

    public boolean success() {
        return status == Status.SUCCESS;
    }
}
