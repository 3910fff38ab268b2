package dev.dicomgateway.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text exposition (what {@code GET /metrics} answers), read as series names and, per name, the values each
 * label takes. Lets a test ask whether a metric or label value an alert or dashboard uses really exists.
 */
public final class MetricsScrape {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? \\S+$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Map<String, Set<String>>> labelValuesByName = new TreeMap<>();

    private MetricsScrape() {
    }

    public static MetricsScrape parse(String exposition) {
        MetricsScrape scrape = new MetricsScrape();
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = scrape.labelValuesByName.computeIfAbsent(sample.group(1), n -> new TreeMap<>());
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.computeIfAbsent(label.group(1), l -> new TreeSet<>()).add(label.group(2));
                }
            }
        }
        return scrape;
    }

    /** Series names, such as {@code dicom_gateway_batches} or {@code dicom_gateway_delivery_seconds_bucket}. */
    public Set<String> names() {
        return labelValuesByName.keySet();
    }

    /** The values {@code label} takes on series {@code name}; empty when the series has no such label. */
    public Set<String> labelValues(String name, String label) {
        return labelValuesByName.getOrDefault(name, Map.of()).getOrDefault(label, Set.of());
    }
}
