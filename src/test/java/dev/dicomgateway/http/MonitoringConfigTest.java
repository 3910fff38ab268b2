package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.MetricsScrape;
import dev.dicomgateway.testing.TestCertificates;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped monitoring configuration, checked as CI checks it: conf/prometheus/alerts.yml by promtool (syntax and its
 * unit tests), conf/grafana/dicom-gateway.json as JSON with valid PromQL, and every metric and label value either uses
 * found in a real gateway's /metrics, so renaming a metric breaks the build instead of silencing an alert.
 */
class MonitoringConfigTest {
    private static final Path ALERTS = Path.of("conf/prometheus/alerts.yml");
    private static final Path ALERT_TESTS = Path.of("conf/prometheus/alerts.test.yml");
    private static final Path DASHBOARD = Path.of("conf/grafana/dicom-gateway.json");
    private static final Path README = Path.of("README.md");
    /** A selector of one of our metrics, or of Prometheus' own {@code up}, with its optional label matchers. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(dicom_gateway_[a-zA-Z0-9_]+|up)\\b\\s*(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    /** The dashboard's one template variable; it ranges over the gateway label, which the operator configures. */
    private static final String GATEWAY_VARIABLE = "$gateway";

    @TempDir
    Path spool;

    @TempDir
    Path scratch;

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Result check = promtool("check", "rules", ALERTS.toString());
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("SUCCESS: " + alerts().size() + " rules found"), check.output());
    }

    @Test
    void alertRulesPassTheirPromtoolUnitTests() throws Exception {
        Result test = promtool("test", "rules", ALERT_TESTS.toString());
        assertEquals(0, test.exitCode(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    void everyAlertHasASummaryADescriptionAndARunbookSectionInTheReadme() throws Exception {
        Set<String> anchors = readmeAnchors();
        List<String> names = new ArrayList<>();
        for (JsonNode alert : alerts()) {
            String name = alert.path("alert").asText();
            names.add(name);
            for (String annotation : List.of("summary", "description", "runbook")) {
                assertFalse(alert.path("annotations").path(annotation).asText().isBlank(), name + " has no " + annotation);
            }
            String runbook = alert.path("annotations").path("runbook").asText();
            assertTrue(runbook.startsWith("README.md#"), name + ": runbook " + runbook + " is not a README section");
            assertTrue(anchors.contains(runbook.substring("README.md#".length())),
                    name + ": README.md has no section for " + runbook + " (sections: " + anchors + ")");
        }
        assertEquals(List.of("DicomGatewayDown", "DicomGatewayStudyWaiting", "DicomGatewayBatchesFailed",
                "DicomGatewayDiskHeadroomLow", "DicomGatewayQuarantineGrowing", "DicomGatewayTlsCertificateExpiring"), names);
    }

    @Test
    void everyDashboardQueryIsValidPromQl() throws Exception {
        Map<String, String> queries = dashboardQueries();
        assertTrue(queries.size() >= 12, "panels: " + queries.keySet());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : queries.values()) {
            String concrete = expr.replace(GATEWAY_VARIABLE, ".*");
            rules.append("      - record: dashboard_query_").append(i++).append("\n        expr: '")
                    .append(concrete.replace("'", "''")).append("'\n");
        }
        Path file = scratch.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Result check = promtool("check", "rules", file.toString());
        assertEquals(0, check.exitCode(), check.output() + "\n" + rules);
    }

    @Test
    void everyMetricAndLabelValueUsedExistsInARealGatewaysScrape() throws Exception {
        MetricsScrape scrape;
        // with the TLS port on, so its series (which a gateway without dicom.tls.enabled does not have) are there too
        TestCertificates pki = TestCertificates.create(scratch.resolve("pki"), TestCertificates.KeyType.RSA, 30);
        try (Gateway gateway = TestGateway.start(spool, pki.gatewayOverrides())) {
            Corpus.File ct = Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow();
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(ct.path()));
            assertEquals(List.of(ct.path()), report.stored(), report.result().output()); // counters with labels appear on use
            scrape = MetricsScrape.parse(gateway.registry().scrape());
        }
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode alert : alerts()) {
            expressions.put("alert " + alert.path("alert").asText(), alert.path("expr").asText());
        }
        expressions.putAll(dashboardQueries());

        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (Map.Entry<String, String> expression : expressions.entrySet()) {
            Matcher selector = SELECTOR.matcher(expression.getValue());
            while (selector.find()) {
                selectors++;
                problems.addAll(problemsOf(expression.getKey(), selector.group(1), selector.group(3), scrape));
            }
        }
        assertTrue(selectors >= expressions.size(), "every expression selects a metric: " + selectors);
        assertEquals(List.of(), problems);
    }

    private static List<String> problemsOf(String where, String metric, String matchers, MetricsScrape scrape) {
        List<String> problems = new ArrayList<>();
        if (metric.equals("up")) { // Prometheus' own series per scrape target: only ours may be selected
            if (matchers == null || !matchers.replace(" ", "").contains("job=\"dicom-gateway\"")) {
                problems.add(where + ": up without job=\"dicom-gateway\"");
            }
            return problems;
        }
        if (!scrape.names().contains(metric)) {
            problems.add(where + ": " + metric + " is not in the gateway's /metrics");
            return problems;
        }
        Matcher matcher = MATCHER.matcher(matchers == null ? "" : matchers);
        while (matcher.find()) {
            String label = matcher.group(1);
            String operator = matcher.group(2);
            String value = matcher.group(3);
            Set<String> values = scrape.labelValues(metric, label);
            if (values.isEmpty()) {
                problems.add(where + ": " + metric + " has no label " + label);
            } else if (value.contains(GATEWAY_VARIABLE)) {
                if (!label.equals("gateway")) {
                    problems.add(where + ": " + label + " takes the dashboard variable " + value);
                }
            } else if (operator.endsWith("~")) {
                Pattern regex = Pattern.compile(value);
                if (values.stream().noneMatch(v -> regex.matcher(v).matches())) {
                    problems.add(where + ": " + metric + "{" + label + operator + "\"" + value + "\"} matches none of " + values);
                }
            } else if (!values.contains(value)) {
                problems.add(where + ": " + metric + "{" + label + "=\"" + value + "\"} is not one of " + values);
            }
        }
        return problems;
    }

    private static List<JsonNode> alerts() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            group.path("rules").forEach(alerts::add);
        }
        return alerts;
    }

    /** Panel title and query letter, to every query of the dashboard. */
    private static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile()); // throws on malformed JSON
        assertEquals("dicom-gateway", dashboard.path("uid").asText());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertTrue(panel.path("targets").size() > 0, "panel without a query: " + panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel " + panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return queries;
    }

    /** GitHub's anchors of the README's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> readmeAnchors() throws IOException {
        return Files.readAllLines(README).stream().filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run promtool: " + e.getMessage()
                    + " (install it with bin/install-prerequisites --test: Debian package prometheus)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", arguments) + " did not finish in 60 s: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
