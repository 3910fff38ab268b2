package dev.dicomgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a gateway delivered to its local bucket and metadata directory, and waiting for it. */
public final class Delivered {
    private Delivered() {
    }

    public static void awaitFiles(Path directory, String suffix, int count) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (files(directory, suffix).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " " + suffix + " in " + directory + ", found " + files(directory, suffix));
            }
            Thread.sleep(100);
        }
    }

    public static void awaitMetadataRows(Path directory, int count) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (rows(directory).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " metadata rows, found " + rows(directory).size());
            }
            Thread.sleep(100);
        }
    }

    /** Regular files below {@code directory} ending in {@code suffix} (temporary dot-files excluded), sorted. */
    public static List<Path> files(Path directory, String suffix) throws Exception {
        if (!Files.exists(directory)) {
            return List.of();
        }
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> walk = Files.walk(directory)) {
                return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix))
                        .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
            } catch (java.io.UncheckedIOException e) {
                // a running gateway renamed a temporary file away while the walk listed it: walk again
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Every metadata row in the NDJSON files of {@code metadata}. */
    public static List<JsonNode> rows(Path metadata) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Path file : files(metadata, ".ndjson")) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    rows.add(json.readTree(line));
                }
            }
        }
        return rows;
    }
}
