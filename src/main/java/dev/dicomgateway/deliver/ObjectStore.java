package dev.dicomgateway.deliver;

import java.nio.file.Path;
import java.util.Map;

/** Where objects go (a local directory, a Cloud Storage bucket). One class per type, chosen by destination.type. */
public interface ObjectStore {

    /** The destination type, for metrics and logs ("local", "gcs"). */
    String type();

    /**
     * Stores {@code file} as {@code name}, idempotently: an existing object with the same checksum counts as stored
     * (a retry after a crash); one with other content is a {@link PermanentDeliveryException} (never overwrite).
     * Returns the object's URI once the store has confirmed the checksum.
     */
    String put(String name, Path file, Checksums checksums, Map<String, String> metadata) throws DeliveryException;

    /** Proves access with harmless operations (nothing is written to the store), for `dicom-gateway check`. */
    java.util.List<CheckResult> check();

    /** Called once when a gateway starts delivering; throws when delivery cannot work at all (no credentials). */
    default void start() throws java.io.IOException {
    }
}
