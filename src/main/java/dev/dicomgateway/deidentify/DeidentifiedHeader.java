package dev.dicomgateway.deidentify;

import dev.dicomgateway.dicom.InstanceHeader;

/**
 * The one-pass form of {@link DeidentifiedInstance}: the keys to stage an instance under, once its staged file's
 * first bytes (file meta group, then the de-identified attributes before the pixel data) have been written; the pixel
 * data follows unchanged, as it arrives. {@code original} is PHI: never log it. Nothing is recorded in the lookup
 * table until the caller has read the whole data set and calls {@link #recordStudy()}: an instance refused for what
 * follows its header leaves no row. {@code metadata} is the de-identified header as DICOM JSON (the metadata row's
 * values, for the staging summary), from the attributes as written; null when it could not be made.
 */
public record DeidentifiedHeader(InstanceHeader original, String entity,
                                 String item, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                                 String quarantineReason, boolean withoutPatientId, StudyRecord study,
                                 java.util.Map<String, Object> metadata) {

    /** Records the study in the lookup table (synced); see {@link Deidentifier#deidentifyHeader}. */
    public void recordStudy() throws java.io.IOException {
        study.record();
    }

    /** The lookup-table row of the instance's study, written once the whole data set was accepted. */
    @FunctionalInterface
    public interface StudyRecord {
        void record() throws java.io.IOException;
    }
}
