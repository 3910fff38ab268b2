package dev.dicomgateway.deidentify;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ways a date of the data set may be typed into free text: the DICOM form (20190417), ISO (2019-04-17),
 * 2019/04/17 and 2019.04.17, day first (17.04.2019, 17/04/2019, 17-04-2019) and month first (04/17/2019,
 * 04-17-2019), each also without leading zeros (17.4.2019, 4/17/2019), with two-digit years (17.04.19, 04/17/19),
 * and with the month's English name (April 17, 2019; Apr 17 2019; 17 April 2019; 17-Apr-2019). Clean Descriptors
 * removes them (case-insensitively, as it removes every identifier).
 */
final class DateForms {
    private DateForms() {
    }

    /** Dates seen lately and their forms: a study's instances carry the same few dates, each many times. */
    private static final int CACHED_DATES = 1024;
    private static final java.util.Map<String, Set<String>> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** The forms of the date part of a DA or DT value; none when it does not start with a full YYYYMMDD date. */
    static Set<String> of(String value) {
        String trimmed = value.trim();
        if (trimmed.length() < 8) {
            return Set.of();
        }
        String key = trimmed.substring(0, 8);
        Set<String> known = CACHE.get(key);
        if (known != null) {
            return known;
        }
        Set<String> forms = java.util.Collections.unmodifiableSet(formsOf(key));
        if (CACHE.size() >= CACHED_DATES) {
            CACHE.clear(); // bounded: a sender cannot grow it with dates
        }
        CACHE.put(key, forms);
        return forms;
    }

    private static Set<String> formsOf(String trimmed) {
        Set<String> forms = new LinkedHashSet<>();
        LocalDate date;
        try {
            date = LocalDate.parse(trimmed.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            return forms;
        }
        String year = String.valueOf(date.getYear());
        for (boolean padded : new boolean[] {true, false}) {
            String month = padded ? String.format("%02d", date.getMonthValue()) : String.valueOf(date.getMonthValue());
            String day = padded ? String.format("%02d", date.getDayOfMonth()) : String.valueOf(date.getDayOfMonth());
            if (padded) {
                forms.add(year + month + day);
            }
            for (String separator : new String[] {"-", "/", "."}) {
                forms.add(year + separator + month + separator + day);
                forms.add(day + separator + month + separator + year);
                forms.add(month + separator + day + separator + year);
                String shortYear = year.substring(year.length() - 2);
                forms.add(day + separator + month + separator + shortYear);
                forms.add(month + separator + day + separator + shortYear);
            }
            String longMonth = date.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH);
            String shortMonth = date.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH);
            for (String name : new String[] {longMonth, shortMonth}) {
                forms.add(name + " " + day + ", " + year);
                forms.add(name + " " + day + " " + year);
                forms.add(day + " " + name + " " + year);
                forms.add(day + "-" + name + "-" + year);
                forms.add(day + " " + name + ", " + year);
            }
        }
        return forms;
    }
}
