package dev.dicomgateway.spool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The human-readable state of one batch (manifest.json next to its files): what it holds, how far delivery got,
 * and what went wrong. Written atomically at every step; the delivery engine's only source of truth.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class BatchManifest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String FILE_NAME = "manifest.json";
    /** The batch's instances live in this directory next to the manifest: files/<series>/<sop>.dcm. */
    public static final String FILES_DIRECTORY = "files";

    /**
     * One staged instance: its path relative to the batch's files/ directory, the SHA-256 of its data set and its
     * version (1 for the first content delivered under its SOP Instance UID; 0 in manifests written before versions).
     */
    public record Instance(String series, String sop, String file, long bytes, String receivedAt, String callingAe,
                           String digest, int version) {
        public Instance withVersion(int newVersion) {
            return new Instance(series, sop, file, bytes, receivedAt, callingAe, digest, newVersion);
        }

        /** The version rows carry: manifests from before versions existed hold first versions. */
        public int deliveredVersion() {
            return Math.max(1, version);
        }
    }

    /** One object to deliver: its name, the file holding it (relative to the batch), size and checksums. */
    public record StoredObject(String name, String file, long size, String crc32c, String md5, String uri) {
    }

    public String batchId;
    public String collection;
    public String entity;
    public String item;
    public int part;
    public BatchState state = BatchState.SEALED;
    public String sealedAt;
    public boolean sealedByMaxOpen;
    public List<Instance> instances = new ArrayList<>();
    public List<StoredObject> objects = new ArrayList<>();
    public int attempts;
    /** Attempts that ended in an unexpected exception (not an outage); a few of them send the batch to failed/. */
    public int unexpectedFailures;
    public String nextAttemptAt;
    public String lastError;
    public String failedReason;
    public String deliveredAt;
    public long metadataRows;

    /** A manifest is never larger than this (a study of 100,000 instances takes about 20 MB). */
    private static final int MAX_BYTES = 256 << 20;

    public static BatchManifest read(Path file) throws IOException {
        return JSON.readValue(DurableFiles.readBounded(file, MAX_BYTES), BatchManifest.class);
    }

    /** Writes the manifest durably (temporary file, fsync, atomic rename, directory fsync). */
    public void write(Path file) throws IOException {
        DurableFiles.writeDurably(file, JSON.writeValueAsBytes(this));
    }

    public long bytes() {
        return instances.stream().mapToLong(Instance::bytes).sum();
    }
}
