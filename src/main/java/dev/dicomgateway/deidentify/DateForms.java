package dev.dicomgateway.deidentify;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The ways a date of the data set may be typed into free text: the DICOM form (20190417), ISO (2019-04-17),
 * 2019/04/17 and 2019.04.17, day first (17.04.2019, 17/04/2019, 17-04-2019) and month first (04/17/2019,
 * 04-17-2019), each also without leading zeros (17.4.2019, 4/17/2019). Clean Descriptors removes them.
 */
final class DateForms {
    private DateForms() {
    }

    /** The forms of the date part of a DA or DT value; none when it does not start with a full YYYYMMDD date. */
    static Set<String> of(String value) {
        Set<String> forms = new LinkedHashSet<>();
        String trimmed = value.trim();
        if (trimmed.length() < 8) {
            return forms;
        }
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
            }
        }
        return forms;
    }
}
