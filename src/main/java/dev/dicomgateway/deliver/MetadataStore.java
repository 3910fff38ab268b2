package dev.dicomgateway.deliver;

import java.util.List;
import java.util.Map;

/** Where metadata rows go (NDJSON files, BigQuery, nowhere). One class per type, chosen by metadata.type. */
public interface MetadataStore {

    String type();

    /** Writes the rows of one batch, exactly once however often it is called for the same batch. */
    void write(String batchId, List<Map<String, Object>> rows) throws DeliveryException;

    /** Proves access with harmless operations, for `dicom-gateway check`. */
    List<CheckResult> check();
}
