package dev.dicomgateway.deliver;

import java.util.Map;

/** Where objects go (a local directory, a Cloud Storage bucket). One class per type, chosen by destination.type. */
public interface ObjectStore {

    /** The destination type, for metrics and logs ("local", "gcs"). */
    String type();

    /**
     * Stores {@code content} as {@code name}, streaming it (nothing is written to the spool), idempotently: an
     * existing object with the same checksum counts as stored (a retry after a crash); one with other content is an
     * {@link ObjectNameTakenException} (never overwrite). An object whose bytes did not all arrive, or were not the
     * recorded ones ({@link ContentChangedException}), is never finished. Returns the object's URI once the store has
     * confirmed the checksum.
     */
    String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException;

    /** Proves access with harmless operations (nothing is written to the store), for `dicom-gateway check`. */
    java.util.List<CheckResult> check();

    /** Called once when a gateway starts delivering; throws when delivery cannot work at all (no credentials). */
    default void start() throws java.io.IOException {
    }
}
