package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.InstanceHeader;

/**
 * The result of de-identification: the file to stage, the identifiers it is staged under (pseudonyms, or the
 * originals in passthrough mode), the original header (for checks against the C-STORE request; PHI — never log it),
 * the quarantine reason when its pixels may carry burned-in text (null otherwise), and whether its entity was derived
 * without a PatientID (from name, birth date and sex, or from the study; always false in passthrough).
 */
public record DeidentifiedInstance(java.nio.file.Path file, InstanceHeader original, String entity, String item,
                                   String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                                   String quarantineReason, boolean withoutPatientId) {
}
