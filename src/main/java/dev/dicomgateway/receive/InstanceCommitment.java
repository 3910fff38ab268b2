package dev.dicomgateway.receive;

/**
 * What the stages after receive know of an instance a Storage Commitment request names, by the UIDs the requester
 * sent (the original ones): the implementation derives the staged form itself and must never keep or log the
 * original. Implemented by the spool, which owns the answer.
 */
public interface InstanceCommitment {

    /** Where an instance stands, as far as a commitment is concerned. */
    enum State {
        /** Received and durable in the spool (staged or sealed), not yet delivered. */
        DURABLE,
        /** Delivered to the destinations. */
        DELIVERED,
        /** The gateway never received it (Failure Reason 0x0112). */
        NOT_RECEIVED,
        /** Received, under another SOP Class (Failure Reason 0x0119). */
        CLASS_MISMATCH
    }

    State state(String sopClassUid, String originalSopInstanceUid) throws java.io.IOException;
}
