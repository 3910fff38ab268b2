package dev.dicomgateway.spool;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** What an import did: how many files were staged, and how many were skipped for which reason (no PHI). */
public record ImportSummary(long staged, Map<String, Long> skipped) {

    public ImportSummary {
        skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
    }

    /** This summary and {@code other} added up. */
    public ImportSummary plus(ImportSummary other) {
        Map<String, Long> reasons = new TreeMap<>(skipped);
        other.skipped.forEach((reason, count) -> reasons.merge(reason, count, Long::sum));
        return new ImportSummary(staged + other.staged, reasons);
    }
}
