package dev.dicomgateway.deidentify;

import java.util.List;
import java.util.Locale;

/**
 * What identifies an instance's patient, as the input of its entity id and date offset: Issuer of Patient ID and
 * PatientID; without a PatientID, the name, birth date and sex (trimmed, upper-cased); without those either, the
 * study itself. Each source has a domain of its own in the HMAC input, so a derived key can never equal the key of a
 * real PatientID, and two patients without an ID share an entity only when name, birth date and sex all agree.
 */
record PatientKey(Source source, List<String> parts) {

    /** Where the key came from; {@code domain} is appended to the HMAC domain ("entity", "date"). */
    enum Source {
        PATIENT_ID(""), DEMOGRAPHICS("/no-id/demographics"), STUDY("/no-id/study");

        private final String domain;

        Source(String domain) {
            this.domain = domain;
        }

        String domain() {
            return domain;
        }
    }

    static PatientKey of(String issuer, String patientId, String name, String birthDate, String sex, String studyUid) {
        if (!patientId.trim().isEmpty()) {
            return new PatientKey(Source.PATIENT_ID, List.of(issuer, patientId));
        }
        List<String> demographics = List.of(normalised(name), normalised(birthDate), normalised(sex));
        // sex alone is shared by half of all patients: it identifies nobody, so it never makes a key by itself
        if (!demographics.get(0).isEmpty() || !demographics.get(1).isEmpty()) {
            return new PatientKey(Source.DEMOGRAPHICS, demographics);
        }
        return new PatientKey(Source.STUDY, List.of(studyUid.trim()));
    }

    boolean hasPatientId() {
        return source == Source.PATIENT_ID;
    }

    /** Trimmed, upper-cased, without the empty trailing components of a person name ("DOE^JANE^^" = "DOE^JANE"). */
    private static String normalised(String value) {
        String result = value.trim().toUpperCase(Locale.ROOT);
        while (!result.isEmpty() && "^= ".indexOf(result.charAt(result.length() - 1)) >= 0) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
