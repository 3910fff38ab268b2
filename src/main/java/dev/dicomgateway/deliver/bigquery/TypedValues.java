package dev.dicomgateway.deliver.bigquery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DICOM text values in the forms BigQuery's load jobs accept for typed columns. A value that does not fit (a malformed
 * DA from a modality) becomes null: the row still loads, and the raw value stays in the metadata column.
 */
final class TypedValues {
    /** DA: YYYYMMDD (PS3.5 6.2), also the ACR-NEMA form YYYY.MM.DD that old devices still send. */
    private static final Pattern DA = Pattern.compile("(\\d{4})\\.?(\\d{2})\\.?(\\d{2})");
    /** TM: HH[MM[SS[.F{1,6}]]] (PS3.5 6.2), also the ACR-NEMA form HH:MM:SS. */
    private static final Pattern TM = Pattern.compile("(\\d{2})(?::?(\\d{2})(?::?(\\d{2})(?:\\.(\\d{1,6}))?)?)?");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private TypedValues() {
    }

    /** A DATE ("2024-03-01") from a DA value, or null. */
    static String date(String value) {
        Matcher matcher = value == null ? null : DA.matcher(value.trim());
        if (matcher == null || !matcher.matches()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                    Integer.parseInt(matcher.group(3)));
            return date.getYear() < 1 ? null : date.toString();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** A TIME ("07:59:11.250000") from a TM value, or null. Leap second 60 has no TIME: null. */
    static String time(String value) {
        Matcher matcher = value == null ? null : TM.matcher(value.trim());
        if (matcher == null || !matcher.matches()) {
            return null;
        }
        int hours = Integer.parseInt(matcher.group(1));
        int minutes = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
        int seconds = matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3));
        if (hours > 23 || minutes > 59 || seconds > 59) {
            return null;
        }
        String time = String.format("%02d:%02d:%02d", hours, minutes, seconds);
        String fraction = matcher.group(4);
        return fraction == null ? time : time + "." + (fraction + "00000").substring(0, 6);
    }

    /** An INTEGER from a US/UL/SS/SL/SV/UV value, or null. */
    static Long integer(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A FLOAT from an FL/FD value, or null (also for NaN and infinities, which JSON cannot carry). */
    static Double floating(String value) {
        if (value == null) {
            return null;
        }
        try {
            double number = Double.parseDouble(value.trim());
            return Double.isFinite(number) ? number : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A TIMESTAMP ("2026-11-22 18:15:00.123000") in UTC from an ISO-8601 instant, or null. */
    static String timestamp(String instant) {
        if (instant == null) {
            return null;
        }
        try {
            return TIMESTAMP.format(Instant.parse(instant));
        } catch (DateTimeException e) {
            return null;
        }
    }
}
