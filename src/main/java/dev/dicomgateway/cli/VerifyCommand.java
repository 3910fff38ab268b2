package dev.dicomgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.DeliveryAudit;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dicom-gateway verify [--since DATE] [--json]}: proves every delivered batch the spool still records is
 * complete at its destinations. Read-only and lock-free, so it runs beside a running gateway. Exit 0 when all match,
 * 1 on any discrepancy, 2 on a usage or configuration error.
 */
@Command(name = "verify", description = "Prove every delivered batch the spool still records is complete at its "
        + "destinations: objects with their size and CRC32C, archive members, one metadata row per instance.")
public final class VerifyCommand implements Callable<Integer> {
    static final int EXIT_DISCREPANCIES = 1;

    @Mixin
    ConfigOption config;

    @Option(names = "--since", paramLabel = "DATE", description = "only batches delivered since this ISO date (UTC) "
            + "or instant, e.g. 2026-11-01 or 2026-11-01T12:00:00Z")
    String since;

    @Option(names = "--json", description = "print one JSON document for scripts")
    boolean json;

    @Override
    public Integer call() throws ConfigException, IOException {
        Instant from = null;
        if (since != null) {
            try {
                from = since.contains("T") ? Instant.parse(since) : LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                System.err.println("dicom-gateway verify: --since " + since + " is not an ISO date (2026-11-01) or "
                        + "instant (2026-11-01T12:00:00Z)");
                return RunCommand.EXIT_CONFIG;
            }
        }
        GatewayConfig settings = config.loadWithExistingSpool();
        DeliveryAudit audit = new DeliveryAudit(settings);
        String unsupported = audit.unsupported();
        if (unsupported != null) {
            System.err.println(Main.wrap("dicom-gateway verify: checks local directories, Cloud Storage and BigQuery; "
                    + "this configuration has " + unsupported + ", which verify cannot read"));
            return RunCommand.EXIT_CONFIG;
        }
        DeliveryAudit.Report report;
        try {
            report = audit.run(from);
        } catch (IOException e) { // a destination unreachable or refusing: not a verdict on the deliveries
            System.err.println(Main.wrap("dicom-gateway verify: " + e.getMessage()));
            return RunCommand.EXIT_CONFIG;
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", report.discrepancies().isEmpty());
            out.put("since", from == null ? null : from.toString());
            out.put("batches", report.batches());
            out.put("instances", report.instances());
            out.put("objects", report.objects());
            out.put("rows", report.rows());
            out.put("discrepancies_by_kind", report.byKind());
            out.put("discrepancies", report.discrepancies());
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        } else {
            System.out.println("batches checked           " + report.batches() + (from == null ? "" : " (delivered since " + from + ")"));
            System.out.println("instances                 " + report.instances());
            System.out.println("objects                   " + report.objects());
            System.out.println("metadata rows             " + report.rows());
            System.out.println("discrepancies             " + (report.discrepancies().isEmpty() ? "none" : report.discrepancies().size()));
            report.byKind().forEach((kind, count) -> System.out.printf("  %-24s%d%n", kind, count));
            report.discrepancies().forEach(d -> System.out.println(d.kind() + " batch " + d.batch() + " " + d.instance()
                    + ": " + d.what()));
        }
        return report.discrepancies().isEmpty() ? 0 : EXIT_DISCREPANCIES;
    }
}
