package dev.dicomgateway.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** metadata.type=local for verify: every {@code *.ndjson} file of metadata.local.dir, read one row at a time. */
final class NdjsonDeliveredRows implements DeliveredRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;

    NdjsonDeliveredRows(Path directory) {
        this.directory = directory;
    }

    @Override
    public void forEach(String gatewayId, Set<String> batches, Sink sink) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.ndjson")) {
            for (Path file : files) {
                try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNextValue()) {
                        JsonNode row = it.nextValue();
                        String batch = row.path("batch_id").asText(null);
                        if (batch == null || !batches.contains(batch)
                                || !gatewayId.equals(row.path("gateway_id").asText(null))) {
                            continue;
                        }
                        sink.accept(new Row(batch, row.path("SOPInstanceUID").asText(""),
                                row.path("object_uri").asText(null), row.path("archive_member").asText(null),
                                file.getFileName().toString()));
                    }
                } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                    sink.unreadable(file.getFileName().toString(), "metadata file " + file + " is not NDJSON ("
                            + e.getMessage() + ")");
                }
            }
        }
    }
}
