package dev.dicomgateway.receive;

import java.util.Locale;

/**
 * Why a C-STORE was not stored: the reason label of dicom_gateway_instances_rejected_total and of the refusal's log
 * line. A fixed set (never a value from the data set), so no sender can add series.
 */
public enum RefusalReason {
    DISK_LOW, DISK_FULL, SPOOL_FULL, STAGING_FAILED, INCOMPLETE, UNPARSEABLE, INVALID_UID, MISSING_UID,
    MISSING_PATIENT_ID, SOP_CLASS_NOT_NEGOTIATED, UID_MISMATCH, SOP_CLASS_MISMATCH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
