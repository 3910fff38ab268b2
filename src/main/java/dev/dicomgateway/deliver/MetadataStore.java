package dev.dicomgateway.deliver;

import java.io.IOException;
import java.util.List;

/**
 * Where metadata rows go (NDJSON files, BigQuery, nowhere). One class per type, chosen by metadata.type.
 * A store either takes a batch's rows at once ({@link Progress#STORED}) or queues them durably for a later,
 * coalesced write ({@link Progress#QUEUED}); the engine then asks {@link #poll} until they are stored.
 */
public interface MetadataStore extends AutoCloseable {

    /** Where a batch's rows are. */
    enum Progress {
        /** In the store. */
        STORED,
        /** Durably queued; the store will write them. */
        QUEUED,
        /** The store holds nothing of this batch: write its rows (again). */
        NOT_QUEUED
    }

    String type();

    /** Writes (or queues) the rows of one batch, exactly once however often it is called for the same batch. */
    Progress write(String batchId, MetadataRowSource rows) throws DeliveryException;

    /** For a batch whose rows were queued: where they are now; throws when the write failed. */
    default Progress poll(String batchId) throws DeliveryException {
        return Progress.NOT_QUEUED;
    }

    /** Proves access with harmless operations, for `dicom-gateway check`. */
    List<CheckResult> check();

    /** Starts background work (a running gateway only; `check` and the other commands do not start it). */
    default void start() throws IOException {
    }

    @Override
    default void close() {
    }
}
