package dev.dicomgateway.dicom;

import java.util.regex.Pattern;

/** The UID grammar of PS3.5 9.1: dot-separated numeric components, no leading zeros, at most 64 characters. */
public final class Uids {
    private static final Pattern GRAMMAR = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    /** Verification SOP Class. */
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    /** The Storage Commitment Push Model SOP Class and its well-known SOP Instance (PS3.4 J.3). */
    public static final String STORAGE_COMMITMENT_PUSH_MODEL = "1.2.840.10008.1.20.1";
    public static final String STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE = "1.2.840.10008.1.20.1.1";

    private Uids() {
    }

    /** True when {@code uid} is a syntactically valid UID, so it is safe to use as a file or directory name. */
    public static boolean isValid(String uid) {
        return uid != null && !uid.isEmpty() && uid.length() <= 64 && GRAMMAR.matcher(uid).matches();
    }

    /** Removes the trailing NUL or space padding a UI value carries on the wire. */
    public static String trimPadding(String raw) {
        int end = raw.length();
        while (end > 0 && (raw.charAt(end - 1) == '\0' || raw.charAt(end - 1) == ' ')) {
            end--;
        }
        int start = 0;
        while (start < end && raw.charAt(start) == ' ') {
            start++;
        }
        return raw.substring(start, end);
    }
}
