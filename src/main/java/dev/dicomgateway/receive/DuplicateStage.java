package dev.dicomgateway.receive;

import java.util.Locale;

/**
 * Where the earlier copy of an instance received again is: still in its open study (replaced), sealed into a batch,
 * or delivered. The stage label of dicom_gateway_instances_duplicate_total; a fixed set.
 */
public enum DuplicateStage {
    OPEN, SEALED, DELIVERED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
