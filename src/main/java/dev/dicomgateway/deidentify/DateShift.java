package dev.dicomgateway.deidentify;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Moves DA and DT values a whole number of days into the past (Retain Longitudinal Temporal Information with
 * Modified Dates): intervals between a patient's dates are preserved; a value that is not a full date is dropped.
 */
final class DateShift {
    private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;

    private DateShift() {
    }

    /** A DA value shifted by {@code days} into the past, or "" when it is not a YYYYMMDD date. */
    static String date(String value, int days) {
        String trimmed = value.trim();
        if (trimmed.length() != 8) {
            return "";
        }
        try {
            return LocalDate.parse(trimmed, BASIC).minusDays(days).format(BASIC);
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    /** A DT value with its date part shifted and its time and offset kept, or "" without a full date. */
    static String dateTime(String value, int days) {
        String trimmed = value.trim();
        if (trimmed.length() < 8) {
            return "";
        }
        int range = rangeSeparator(trimmed);
        if (range > 0) { // a range "DT-DT" (PS3.5 6.2): both ends move, or the value goes
            String from = dateTime(trimmed.substring(0, range), days);
            String to = dateTime(trimmed.substring(range + 1), days);
            return from.isEmpty() || to.isEmpty() ? "" : from + "-" + to;
        }
        String date = date(trimmed.substring(0, 8), days);
        return date.isEmpty() ? "" : date + trimmed.substring(8);
    }

    /** The '-' of a range "DT-DT" (followed by a YYYYMMDD date), not of a UTC offset "-HHMM"; or -1. */
    private static int rangeSeparator(String value) {
        for (int i = 8; i < value.length(); i++) {
            if (value.charAt(i) == '-' && value.length() - i - 1 >= 8
                    && value.substring(i + 1, i + 9).chars().allMatch(Character::isDigit)) {
                return i;
            }
        }
        return -1;
    }
}
