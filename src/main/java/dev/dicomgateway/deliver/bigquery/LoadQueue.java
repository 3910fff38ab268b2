package dev.dicomgateway.deliver.bigquery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dicomgateway.spool.DurableFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loader's files under the spool, each written atomically and durably:
 * <pre>
 *   queue/&lt;batch-id&gt;.ndjson   the typed rows of a batch waiting for (or carried by) a load job
 *   loads/&lt;job-id&gt;.json       a load job, recorded before it is submitted ({@link LoadRecord})
 * </pre>
 * A load uploads its batches' queue files one after the other; they are deleted only once the job is recorded done.
 */
final class LoadQueue {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ROWS = ".ndjson";
    private static final String RECORD = ".json";

    private final Path queue;
    private final Path loads;

    LoadQueue(Path directory) throws IOException {
        this.queue = directory.resolve("queue");
        this.loads = directory.resolve("loads");
        DurableFiles.createDirectories(queue);
        DurableFiles.createDirectories(loads);
    }

    Path rowsOf(String batchId) {
        return queue.resolve(batchId + ROWS);
    }

    <E extends Exception> void enqueue(String batchId, DurableFiles.Content<E> ndjson) throws IOException, E {
        DurableFiles.writeDurably(rowsOf(batchId), ndjson);
    }

    void dequeue(String batchId) throws IOException {
        Files.deleteIfExists(rowsOf(batchId));
    }

    /** Batch ids with a queue file, oldest first. */
    List<String> queued() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(queue, "*" + ROWS)) {
            entries.forEach(files::add);
        }
        files.sort(java.util.Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }).thenComparing(Path::toString));
        return files.stream().map(p -> p.getFileName().toString()).map(n -> n.substring(0, n.length() - ROWS.length())).toList();
    }

    void record(LoadRecord load) throws IOException {
        DurableFiles.writeDurably(loads.resolve(load.jobId() + RECORD), JSON.writeValueAsBytes(load));
    }

    List<LoadRecord> records() throws IOException {
        return recordsIn(loads);
    }

    /** The load records under {@code directory} (read only, nothing created; none when it does not exist). */
    static List<LoadRecord> records(Path directory) throws IOException {
        return recordsIn(directory.resolve("loads"));
    }

    private static List<LoadRecord> recordsIn(Path loads) throws IOException {
        List<LoadRecord> records = new ArrayList<>();
        if (!Files.isDirectory(loads)) {
            return records;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(loads, "*" + RECORD)) {
            for (Path entry : entries) {
                records.add(JSON.readValue(entry.toFile(), LoadRecord.class));
            }
        }
        records.sort(java.util.Comparator.comparing(LoadRecord::createdAt));
        return records;
    }

    void forget(LoadRecord load) throws IOException {
        Files.deleteIfExists(loads.resolve(load.jobId() + RECORD));
    }

    long size(String batchId) throws IOException {
        return Files.size(rowsOf(batchId));
    }
}
