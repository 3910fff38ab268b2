package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the spool holds, counted by walking it (for the status command, not for any hot path). */
public record SpoolInventory(long stagedInstances, long stagedStudies, long quarantinedInstances,
                             Map<String, Long> quarantinedByReason) {

    public static SpoolInventory of(SpoolLayout layout) throws IOException {
        long instances = count(layout.incoming(), ".dcm");
        long studies = 0;
        if (Files.isDirectory(layout.incoming())) {
            try (Stream<Path> paths = Files.walk(layout.incoming(), 3)) {
                studies = paths.filter(p -> layout.incoming().relativize(p).getNameCount() == 3).filter(Files::isDirectory).count();
            }
        }
        Map<String, Long> reasons = new TreeMap<>();
        for (Path reasonFile : files(layout.quarantine(), ".reason")) {
            String reason = Files.readString(reasonFile, StandardCharsets.UTF_8).split("\t", 2)[0].trim();
            reasons.merge(reason, 1L, Long::sum);
        }
        return new SpoolInventory(instances, studies, count(layout.quarantine(), ".dcm"), reasons);
    }

    private static long count(Path directory, String suffix) throws IOException {
        return files(directory, suffix).size();
    }

    private static List<Path> files(Path directory, String suffix) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(suffix)).filter(Files::isRegularFile).toList();
        }
    }
}
