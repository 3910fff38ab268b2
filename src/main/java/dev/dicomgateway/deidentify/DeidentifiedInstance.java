package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.InstanceHeader;

/**
 * The result of de-identification: the file to stage, the identifiers it is staged under (pseudonyms, or the
 * originals in passthrough mode), the original header (for checks against the C-STORE request; PHI — never log it),
 * and the quarantine reason when its pixels may carry burned-in text (null otherwise).
 */
public record DeidentifiedInstance(java.nio.file.Path file, InstanceHeader original, String entity, String item,
                                   String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                                   String quarantineReason) {
}
