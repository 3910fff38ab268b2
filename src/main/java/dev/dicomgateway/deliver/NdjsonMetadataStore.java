package dev.dicomgateway.deliver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.spool.DurableFiles;
import dev.dicomgateway.spool.WriteAccess;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * metadata.type=local: one newline-delimited JSON file per batch under metadata.local.dir, written atomically and
 * replaced (never appended) when a batch is written again, so a repeated step never adds a second row.
 * `dicom-gateway query` reads them with SQL. A file is named by the batch and gateway.id,
 * {@code <batch-id>.<gateway-id>.ndjson}: batch ids are numbered per spool, so two gateways sharing the directory
 * (behind a load balancer, each with its part of a study) would otherwise replace each other's rows.
 */
public final class NdjsonMetadataStore implements MetadataStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;
    private final String gatewayId;

    public NdjsonMetadataStore(Path directory, String gatewayId) {
        this.directory = directory;
        this.gatewayId = gatewayId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The file that holds the rows of {@code batchId}. */
    public Path fileOf(String batchId) {
        return directory.resolve(batchId + "." + gatewayId + ".ndjson");
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public Progress write(String batchId, MetadataRowSource rows) throws DeliveryException {
        try {
            DurableFiles.createDirectories(directory);
            DurableFiles.writeDurably(fileOf(batchId), out -> rows.forEach(row -> {
                out.write(JSON.writeValueAsBytes(row));
                out.write('\n');
            }));
            return Progress.STORED;
        } catch (JsonProcessingException e) {
            throw MetadataRows.unwritable(batchId, e);
        } catch (IOException e) {
            throw new TransientDeliveryException("cannot write metadata to " + directory + ": " + e.getMessage()
                    + WriteAccess.hint(directory, "metadata.local.dir", "the service user needs write access and free space"), e);
        }
    }

    @Override
    public List<CheckResult> check() {
        return List.of(LocalDirectoryCheck.writable("metadata.local.dir", directory));
    }
}
