package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.CommitmentDataSet;
import java.io.IOException;
import java.util.List;

/**
 * Where accepted Storage Commitment requests wait for their report, so one survives a restart. Implemented by the
 * spool (spool.dir/commitments/); the implementation must never store an original UID in the clear.
 */
public interface PendingCommitments {

    /** One accepted request: who asked, when (epoch millis), and what. */
    record Pending(String id, String requester, long createdMillis, CommitmentDataSet.Request request) {
    }

    /** Stores {@code pending} durably (fsynced) before the N-ACTION is answered. */
    void save(Pending pending) throws IOException;

    /** Removes a request whose report the requester accepted, or that was given up. */
    void delete(String id) throws IOException;

    /** Every stored request (those that cannot be read are logged and skipped). */
    List<Pending> load() throws IOException;

    /** Keeps nothing: requests are lost at a restart. */
    PendingCommitments IN_MEMORY = new PendingCommitments() {
        @Override
        public void save(Pending pending) {
        }

        @Override
        public void delete(String id) {
        }

        @Override
        public List<Pending> load() {
            return List.of();
        }
    };
}
