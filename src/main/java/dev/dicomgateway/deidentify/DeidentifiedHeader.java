package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.InstanceHeader;

/**
 * The one-pass form of {@link DeidentifiedInstance}: the staged file's first bytes (file meta group, then the
 * de-identified attributes before the pixel data; the data set starts at {@code dataSetOffset}) and the keys to stage
 * it under. The pixel data follows unchanged, as it arrives. {@code original} is PHI: never log it.
 */
public record DeidentifiedHeader(byte[] fileHeader, int dataSetOffset, InstanceHeader original, String entity,
                                 String item, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                                 String quarantineReason, boolean withoutPatientId) {
}
