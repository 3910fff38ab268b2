package dev.dicomgateway.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the spool holds, read from the disk (for the status command, never for a hot path): open studies, batches by
 * delivery state, failed batches with their reasons, quarantined instances by reason, oldest undelivered batch.
 */
public record SpoolInventory(long openStudies, long openInstances, Map<String, Long> batchesByState,
                             List<BatchManifest> failed, long quarantinedInstances, Map<String, Long> quarantinedByReason,
                             Duration oldestUndelivered) {

    /** Attempts at most when the running gateway moves entries away under the walk (a study sealed, a batch done). */
    private static final int ATTEMPTS = 5;

    /**
     * The spool's inventory now. The running gateway seals studies and removes delivered batches while this walks; an
     * entry vanishing under the walk makes it start again (at most {@value #ATTEMPTS} times), not fail.
     */
    public static SpoolInventory of(SpoolLayout layout, Instant now) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(layout, now);
            } catch (NoSuchFileException | UncheckedIOException e) {
                boolean vanished = e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException;
                if (!vanished || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static SpoolInventory once(SpoolLayout layout, Instant now) throws IOException {
        long studies = 0;
        if (Files.isDirectory(layout.incoming())) {
            try (Stream<Path> paths = Files.walk(layout.incoming(), 3)) {
                studies = paths.filter(p -> layout.incoming().relativize(p).getNameCount() == 3).filter(Files::isDirectory).count();
            }
        }
        Map<String, Long> states = new TreeMap<>();
        Instant oldest = null;
        for (BatchManifest manifest : manifests(layout.batches())) {
            states.merge(manifest.state.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
            Instant sealed = Instant.parse(manifest.sealedAt);
            if (manifest.state != BatchState.DONE && (oldest == null || sealed.isBefore(oldest))) {
                oldest = sealed;
            }
        }
        List<BatchManifest> failed = manifests(layout.failed());
        if (!failed.isEmpty()) {
            states.put("failed", (long) failed.size());
        }
        Map<String, Long> reasons = new TreeMap<>();
        for (Path reasonFile : files(layout.quarantine(), ".reason")) {
            String reason = DurableFiles.readControlFile(reasonFile).split("\t", 2)[0].trim();
            reasons.merge(reason, 1L, Long::sum);
        }
        return new SpoolInventory(studies, files(layout.incoming(), ".dcm").size(), states, failed,
                files(layout.quarantine(), ".dcm").size(), reasons, oldest == null ? Duration.ZERO : Duration.between(oldest, now));
    }

    /** The manifests of the batch directories in {@code directory}, by batch id. */
    public static List<BatchManifest> manifests(Path directory) throws IOException {
        List<BatchManifest> manifests = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return manifests;
        }
        try (DirectoryStream<Path> batches = Files.newDirectoryStream(directory)) {
            for (Path batch : batches) {
                Path manifest = batch.resolve(BatchManifest.FILE_NAME);
                if (Files.exists(manifest)) {
                    manifests.add(BatchManifest.read(manifest));
                }
            }
        }
        manifests.sort(Comparator.comparing(m -> m.batchId));
        return manifests;
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
