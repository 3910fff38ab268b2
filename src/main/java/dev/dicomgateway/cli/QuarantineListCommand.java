package dev.dicomgateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.spool.QuarantinedInstance;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dicom-gateway quarantine list [--json]}: one entry per quarantined instance; de-identified values only. */
@Command(name = "list", description = "One line (or JSON object) per quarantined instance: id, reason, modality, "
        + "SOP class, bytes, received at, entity, item.")
public final class QuarantineListCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print a JSON array for scripts")
    boolean json;

    @Override
    public Integer call() throws ConfigException {
        List<QuarantinedInstance> instances;
        try {
            instances = QuarantineCommand.open(config).list();
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: cannot read the quarantine: " + e.getMessage()));
            return 1;
        }
        if (json) {
            List<Map<String, Object>> out = instances.stream().map(QuarantinedInstance::fields).toList();
            try {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return 0;
        }
        if (instances.isEmpty()) {
            System.out.println("no quarantined instances");
            return 0;
        }
        String format = "%-" + width(instances, QuarantinedInstance::id) + "s  %-" + width(instances, QuarantinedInstance::reason)
                + "s  %-8s  %-" + width(instances, QuarantinedInstance::sopClassUid) + "s  %10s  %-20s  %-" + width(instances, QuarantinedInstance::entity)
                + "s  %s%n";
        System.out.printf(format, "ID", "REASON", "MODALITY", "SOP CLASS", "BYTES", "RECEIVED", "ENTITY", "ITEM");
        for (QuarantinedInstance instance : instances) {
            System.out.printf(format, instance.id(), printable(instance.reason()), printable(instance.modality()),
                    instance.sopClassUid(), instance.bytes(), instance.receivedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    instance.entity(), instance.item());
        }
        return 0;
    }

    private static int width(List<QuarantinedInstance> instances, java.util.function.Function<QuarantinedInstance, String> field) {
        return Math.max(9, instances.stream().mapToInt(i -> field.apply(i).length()).max().orElse(0));
    }

    /** Values from the data set (Modality) printed on a terminal: control characters as '?'. */
    private static String printable(String value) {
        return value.codePoints().map(c -> c < 0x20 || c == 0x7F ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
