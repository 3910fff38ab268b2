package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * log.format, seen on a real gateway process's standard output: json is one object per line with the fields shippers
 * need (a stack trace included, as one string), text keeps the line format operators already parse.
 */
class LogFormatTest {
    private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
    /** logback.xml's pattern: %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (ERROR|WARN |INFO |DEBUG|TRACE) "
                    + "\\[[^\\]]+] \\S+ - .*");
    private static final Pattern STACK_LINE = Pattern.compile("(\tat |\t\\.\\.\\. |Caused by: |\\S+(Exception|Error)\\b).*");

    @TempDir
    Path spool;

    @TempDir
    Path work;

    @Test
    void jsonIsOneObjectPerLineWithTimestampLevelLoggerThreadMessageAndTheStackTraceAsOneField() throws Exception {
        List<String> lines = runReceiveAndReset("json");
        ObjectMapper json = new ObjectMapper();
        int exceptions = 0;
        boolean ready = false;
        for (String line : lines) {
            JsonNode event;
            try {
                event = json.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line + "\nwhole log:\n" + String.join("\n", lines), e);
            }
            assertTrue(event.isObject(), line);
            Instant.parse(event.path("timestamp").asText()); // ISO-8601, throws otherwise
            assertTrue(event.path("timestamp").asText().endsWith("Z"), line);
            assertTrue(LEVELS.contains(event.path("level").asText()), line);
            for (String field : List.of("logger", "thread", "message")) {
                assertTrue(event.path(field).isTextual() && !event.path(field).asText().isEmpty(), field + ": " + line);
            }
            Set<String> fields = new java.util.TreeSet<>();
            event.fieldNames().forEachRemaining(fields::add);
            assertTrue(Set.of("timestamp", "level", "logger", "thread", "message", "exception").containsAll(fields),
                    "only the documented fields (no MDC, no arguments): " + fields);
            if (event.has("exception")) {
                exceptions++;
                String trace = event.path("exception").asText();
                assertTrue(trace.contains("\n\tat "), "the whole stack trace, its frames included: " + trace);
            }
            ready |= event.path("message").asText().contains(" ready: ");
        }
        assertTrue(ready, "the gateway's ready line is among them");
        assertTrue(exceptions >= 1, "the reset connection's stack trace (DEBUG) is a field of one line:\n"
                + String.join("\n", lines));
    }

    @Test
    void textKeepsTheLineFormatAndTheStackTraceOnTheLinesAfterIt() throws Exception {
        List<String> lines = runReceiveAndReset("text");
        int stackLines = 0;
        for (String line : lines) {
            if (STACK_LINE.matcher(line).matches()) {
                stackLines++;
            } else if (!TEXT_LINE.matcher(line).matches()) {
                fail("neither a log line nor a stack trace line: " + line + "\nwhole log:\n" + String.join("\n", lines));
            }
        }
        assertTrue(lines.stream().anyMatch(l -> TEXT_LINE.matcher(l).matches() && l.contains(" ready: ")), "ready line");
        assertTrue(stackLines >= 2, "a stack trace in text spans lines: " + String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("{")), "no JSON in text");
    }

    /**
     * Starts a gateway with log.format {@code format} at DEBUG, stores CT_small.dcm with storescu, resets one
     * association (its IOException is logged with a stack trace at DEBUG), stops it; returns its output lines.
     */
    private List<String> runReceiveAndReset(String format) throws Exception {
        Path log = work.resolve("gateway-" + format + ".log");
        Corpus.File ct = Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow();
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_LOG_FORMAT", format,
                "DICOM_GATEWAY_LOG_LEVEL", "DEBUG")) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(ct.path()));
            assertEquals(List.of(ct.path()), report.stored(), report.result().output());
            RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "RESETTER");
            scu.reset();
            awaitLine(log, "connection error", Duration.ofSeconds(10));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.removeIf(String::isEmpty);
        assertTrue(lines.size() >= 5, "the gateway logged: " + lines);
        return lines;
    }

    private static void awaitLine(Path log, String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("no \"" + text + "\" in the log within " + timeout + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }
}
