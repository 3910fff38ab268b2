package dev.dicomgateway.deidentify;

import dev.dicomgateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;

/** The PS3.15 E.3 options switched on (names as in confidentiality-profile.tsv), with their CID 7050 codes. */
record ProfileOptions(boolean modifiedDates, boolean patientCharacteristics, boolean deviceIdentity,
                      boolean institutionIdentity, boolean cleanDescriptors, boolean safePrivate) {

    static ProfileOptions from(GatewayConfig.Deidentify settings) {
        return new ProfileOptions(settings.retainLongitudinalModifiedDates(), settings.retainPatientCharacteristics(),
                settings.retainDeviceIdentity(), settings.retainInstitutionIdentity(), settings.cleanDescriptors(),
                settings.retainSafePrivate());
    }

    /** True when the option named in the table's third column is switched on. */
    boolean enabled(String name) {
        return switch (name) {
            case "dates" -> modifiedDates;
            case "patient" -> patientCharacteristics;
            case "device" -> deviceIdentity;
            case "institution" -> institutionIdentity;
            case "descriptors" -> cleanDescriptors;
            case "private" -> safePrivate;
            default -> false; // Retain UIDs, Full Dates, Clean Structured Content, Clean Graphics: not offered
        };
    }

    /** DeidentificationMethodCodeSequence codes (CID 7050): the Basic Profile, then each option applied. */
    List<String[]> methodCodes() {
        List<String[]> codes = new ArrayList<>();
        codes.add(new String[] {"113100", "Basic Application Confidentiality Profile"});
        if (cleanDescriptors) {
            codes.add(new String[] {"113105", "Clean Descriptors Option"});
        }
        if (modifiedDates) {
            codes.add(new String[] {"113107", "Retain Longitudinal Temporal Information Modified Dates Option"});
        }
        if (patientCharacteristics) {
            codes.add(new String[] {"113108", "Retain Patient Characteristics Option"});
        }
        if (deviceIdentity) {
            codes.add(new String[] {"113109", "Retain Device Identity Option"});
        }
        if (safePrivate) {
            codes.add(new String[] {"113111", "Retain Safe Private Option"});
        }
        if (institutionIdentity) {
            codes.add(new String[] {"113112", "Retain Institution Identity Option"});
        }
        return codes;
    }
}
