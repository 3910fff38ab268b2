package dev.dicomgateway.dicom;

/**
 * The attributes of a received instance that decide where it is staged and whether it is quarantined. Values are as
 * found in the data set (trimmed); a missing attribute is an empty string. PatientID is PHI: never log it.
 */
public record InstanceHeader(String sopClassUid, String sopInstanceUid, String studyInstanceUid,
                             String seriesInstanceUid, String patientId, String modality, String burnedInAnnotation) {
}
