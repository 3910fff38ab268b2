package dev.dicomgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.spool.SpoolInventory;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dicom-gateway status [--json]}: what the spool holds — staged studies, quarantined instances by reason. */
@Command(name = "status", description = "Show staged studies and instances, and quarantined instances by reason.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @Override
    public Integer call() throws IOException {
        GatewayConfig settings = config.load();
        if (settings == null) {
            return RunCommand.EXIT_CONFIG;
        }
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        SpoolInventory inventory = SpoolInventory.of(layout);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("spool", layout.root().toString());
            out.put("staged_studies", inventory.stagedStudies());
            out.put("staged_instances", inventory.stagedInstances());
            out.put("quarantined_instances", inventory.quarantinedInstances());
            out.put("quarantined_by_reason", inventory.quarantinedByReason());
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            return 0;
        }
        System.out.println("spool                  " + layout.root());
        System.out.println("staged studies         " + inventory.stagedStudies());
        System.out.println("staged instances       " + inventory.stagedInstances());
        System.out.println("quarantined instances  " + inventory.quarantinedInstances()
                + " (possible burned-in text; never uploaded; in " + layout.quarantine() + ")");
        inventory.quarantinedByReason().forEach((reason, count) -> System.out.printf("  %-21s%d%n", reason, count));
        return 0;
    }
}
