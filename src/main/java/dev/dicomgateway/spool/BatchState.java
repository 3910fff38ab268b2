package dev.dicomgateway.spool;

/** The steps of a batch, in order. Each is idempotent, so a crash anywhere repeats at most the current step. */
public enum BatchState {
    SEALED, PACKAGED, OBJECT_STORED, METADATA_STORED, DONE
}
