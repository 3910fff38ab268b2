package dev.dicomgateway.spool;

/**
 * The steps of a batch, in order. Each is idempotent, so a crash anywhere repeats at most the current step.
 * METADATA_QUEUED: the rows wait in the metadata store's own durable queue (BigQuery load jobs) until it stores them.
 */
public enum BatchState {
    SEALED, PACKAGED, OBJECT_STORED, METADATA_QUEUED, METADATA_STORED, DONE
}
