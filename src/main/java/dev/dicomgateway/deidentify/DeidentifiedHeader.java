package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.InstanceHeader;

/**
 * The one-pass form of {@link DeidentifiedInstance}: the keys to stage an instance under, once its staged file's
 * first bytes (file meta group, then the de-identified attributes before the pixel data) have been written; the pixel
 * data follows unchanged, as it arrives. {@code original} is PHI: never log it.
 */
public record DeidentifiedHeader(InstanceHeader original, String entity,
                                 String item, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                                 String quarantineReason, boolean withoutPatientId) {
}
