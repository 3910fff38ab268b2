package dev.dicomgateway.dicom;

import java.util.Set;

/** The value representations of PS3.5 6.2 as the reader needs them: which exist, which have 32-bit lengths. */
final class ValueRepresentations {
    private static final Set<String> ALL = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO",
            "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL",
            "UN", "UR", "US", "UT", "UV");
    private static final Set<String> LONG_LENGTH = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");
    /** Text VRs whose values are separated by backslashes (the ones a parser splits into many strings). */
    private static final Set<String> MULTI_VALUED_TEXT = Set.of("AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "PN",
            "SH", "TM", "UC", "UI");

    private ValueRepresentations() {
    }

    static boolean isKnown(String vr) {
        return ALL.contains(vr);
    }

    static boolean hasLongLength(String vr) {
        return LONG_LENGTH.contains(vr);
    }

    static boolean isMultiValuedText(String vr) {
        return MULTI_VALUED_TEXT.contains(vr);
    }
}
