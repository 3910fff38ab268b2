package dev.dicomgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.bigquery.BigQueryMetadataStore;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.DeliveredInstanceIndex;
import dev.dicomgateway.spool.SpoolInventory;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dicom-gateway status [--json]}: open studies, batches per state, failures with reasons, quarantine, backlog age. */
@Command(name = "status", description = "Show open studies, batches per delivery state, failed batches with reasons, "
        + "quarantined instances and the age of the oldest undelivered batch.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    public Integer call() throws ConfigException, IOException {
        GatewayConfig settings = config.loadWithExistingSpool();
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        SpoolInventory inventory = SpoolInventory.of(layout, Instant.now());
        DeliveredInstanceIndex.Totals totals = null;
        String indexProblem = null;
        try {
            totals = DeliveredInstanceIndex.totals(layout.instanceIndex());
        } catch (DeliveredInstanceIndex.UnavailableException e) { // the rest of the status is what an operator needs now
            indexProblem = e.getMessage() + " (if the file is damaged: stop the gateway and move it aside; instances "
                    + "sent again are then delivered again)";
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("spool", layout.root().toString());
            out.put("open_studies", inventory.openStudies());
            out.put("open_instances", inventory.openInstances());
            out.put("batches", inventory.batchesByState());
            out.put("failed", inventory.failed().stream().map(m -> Map.of("batch", m.batchId, "state", m.state.name(),
                    "reason", String.valueOf(m.failedReason))).toList());
            out.put("quarantined_instances", inventory.quarantinedInstances());
            out.put("quarantined_by_reason", inventory.quarantinedByReason());
            out.put("oldest_undelivered_seconds", inventory.oldestUndelivered().toSeconds());
            if (totals != null) {
                out.put("delivered_instances", totals.delivered());
                out.put("sealed_instances_undelivered", totals.sealed());
                out.put("instances_with_later_versions", totals.laterVersions());
            } else {
                out.put("instance_index_error", indexProblem);
            }
            out.put("bigquery_loads_in_progress", BigQueryMetadataStore.loadsInProgress(layout.root()));
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return 0;
        }
        System.out.println("spool                     " + layout.root());
        System.out.println("open studies              " + inventory.openStudies() + " (" + inventory.openInstances() + " instances)");
        System.out.println("batches                   " + (inventory.batchesByState().isEmpty() ? "none" : ""));
        inventory.batchesByState().forEach((state, count) -> System.out.printf("  %-24s%d%n", state, count));
        System.out.println("oldest undelivered        " + inventory.oldestUndelivered().toSeconds() + " s");
        if (totals != null) {
            System.out.println("delivered instances       " + totals.delivered() + " (" + totals.laterVersions()
                    + " at version 2 or later: changed and sent again; " + totals.sealed() + " more sealed, not yet delivered)");
        } else {
            System.out.println("delivered instances       unknown: " + indexProblem);
        }
        List<String> loads = BigQueryMetadataStore.loadsInProgress(layout.root());
        if (!loads.isEmpty()) {
            System.out.println("BigQuery load jobs in progress (look them up in BigQuery's job history by id)");
            loads.forEach(load -> System.out.println("  " + load));
        }
        List<BatchManifest> failed = inventory.failed();
        if (!failed.isEmpty()) {
            System.out.println("failed batches (fix the cause, then: dicom-gateway retry BATCH | --all)");
            failed.forEach(m -> System.out.println("  " + m.batchId + " in " + m.state + ": " + m.failedReason));
        }
        System.out.println("quarantined instances     " + inventory.quarantinedInstances()
                + " (possible burned-in text; never uploaded; in " + layout.quarantine() + ")");
        inventory.quarantinedByReason().forEach((reason, count) -> System.out.printf("  %-24s%d%n", reason, count));
        return 0;
    }
}
