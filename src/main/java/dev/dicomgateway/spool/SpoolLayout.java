package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things live under spool.dir: {@code incoming/<collection>/<entity>/<item>/<series>/<sop>.dcm} for staged
 * instances, the same shape under {@code quarantine/} (with a {@code <sop>.reason} file) for instances that may
 * carry burned-in text, {@code tmp/} for instances still arriving (never visible elsewhere), and {@code private/}
 * (mode 0700) for the re-identification table; sealed studies move to {@code batches/}, and on to {@code failed/} or
 * {@code delivered/} (manifests only). {@code inbox/} holds files `import` hands to the running gateway, and
 * {@code .lock} says which process owns the spool ({@link SpoolLock}). Every directory is 0700 and every file 0600
 * ({@link OwnerOnly}): they hold patient data before and after de-identification.
 */
public final class SpoolLayout {
    private final Path root;
    private final Path incoming;
    private final Path quarantine;
    private final Path temporary;
    private final Path privateArea;
    private final Path batches;
    private final Path failed;
    private final Path delivered;
    private final Path parts;

    public SpoolLayout(Path spoolDirectory) {
        this.root = spoolDirectory.toAbsolutePath().normalize();
        this.incoming = root.resolve("incoming");
        this.quarantine = root.resolve("quarantine");
        this.temporary = root.resolve("tmp");
        this.privateArea = root.resolve("private");
        this.batches = root.resolve("batches");
        this.failed = root.resolve("failed");
        this.delivered = root.resolve("delivered");
        this.parts = root.resolve("state").resolve("parts");
    }

    /** Sealed batches being delivered: batches/<batch-id>/{manifest.json, files/<series>/<sop>.dcm}. */
    public Path batches() {
        return batches;
    }

    /** Batches that failed permanently, with the reason in their manifest; `retry` moves them back. */
    public Path failed() {
        return failed;
    }

    /** Manifests of delivered batches, kept for audit (spool.keepManifests). */
    public Path delivered() {
        return delivered;
    }

    /** Delivered batches move here in one rename before they are deleted, so a stop mid-delete leaves no half batch. */
    public Path trash() {
        return root.resolve("trash");
    }

    /**
     * Files `dicom-gateway import` hands to the process that owns the spool, one directory per import
     * ({@link InboxEntry}); that process stages them.
     */
    public Path inbox() {
        return root.resolve("inbox");
    }

    /** Touched by `dicom-gateway quarantine release` so a running gateway re-reads incoming/ for the studies it added. */
    public Path rescanRequest() {
        return root.resolve("state").resolve("rescan-incoming");
    }

    /** One line per release or purge of a quarantined instance: time, action, id, entity, item, reason, user. */
    public Path quarantineAudit() {
        return root.resolve("state").resolve("quarantine-audit.tsv");
    }

    /** The last part number given to each study, so a later batch never reuses a delivered name. */
    public Path partNumbers() {
        return parts;
    }

    /** The index of sealed and delivered instances (SQLite; see {@link DeliveredInstanceIndex}). */
    /** Pending Storage Commitment requests ({@link CommitmentFiles}). */
    public Path commitments() {
        return root.resolve("commitments");
    }

    public Path instanceIndex() {
        return root.resolve("state").resolve("instances.sqlite");
    }

    /** Room on the spool's file system only delivery may use ({@link DeliveryReserve}; spool.reserveBytes). */
    public Path deliveryReserve() {
        return root.resolve("state").resolve("delivery-reserve");
    }

    /** The BigQuery loader's queue of rows and its load records (metadata.type=bigquery; see docs/bigquery.md). */
    public Path bigQueryLoads() {
        return root.resolve("state").resolve("bigquery");
    }

    public Path root() {
        return root;
    }

    public Path incoming() {
        return incoming;
    }

    public Path temporary() {
        return temporary;
    }

    public Path quarantine() {
        return quarantine;
    }

    /** The spool's private area (re-identification table): never uploaded, readable by the service user only. */
    public Path privateArea() {
        return privateArea;
    }

    /**
     * The staged path of an instance under incoming/. {@code collection}, {@code entity} and {@code item} are encoded
     * here; the UIDs must have been checked against the UID grammar by the caller. Refuses any result outside
     * incoming/ (defence in depth).
     */
    public Path instancePath(String collection, String entity, String item, String seriesUid, String sopInstanceUid) {
        return pathUnder(incoming, collection, entity, item, seriesUid, sopInstanceUid);
    }

    /** The same shape as {@link #instancePath}, under quarantine/. */
    public Path quarantinePath(String collection, String entity, String item, String seriesUid, String sopInstanceUid) {
        return pathUnder(quarantine, collection, entity, item, seriesUid, sopInstanceUid);
    }

    private static Path pathUnder(Path area, String collection, String entity, String item, String seriesUid,
                                  String sopInstanceUid) {
        Path path = area.resolve(PathSegment.encode(collection)).resolve(PathSegment.encode(entity))
                .resolve(PathSegment.encode(item)).resolve(seriesUid).resolve(sopInstanceUid + ".dcm").normalize();
        if (!path.startsWith(area) || path.getNameCount() != area.getNameCount() + 5) {
            throw new IllegalArgumentException("staging path escapes the spool");
        }
        return path;
    }

    /** Creates the spool's directories and checks they are writable; the message says which key to fix. */
    public void create() throws IOException {
        for (Path directory : new Path[] {root, incoming, quarantine, temporary, batches, failed, delivered, parts, trash(),
                inbox()}) {
            try {
                DurableFiles.createDirectories(directory);
            } catch (IOException e) {
                throw new IOException("cannot create spool directory " + directory + ": " + describe(e)
                        + WriteAccess.hint(directory, "spool.dir", "the service user needs write access"), e);
            }
        }
        checkWritable();
    }

    /** Writes and removes a probe file in tmp/; throws with an actionable message when the spool is not writable. */
    public void checkWritable() throws IOException {
        try {
            Path probe = Files.createTempFile(temporary, "probe-", ".tmp");
            Files.deleteIfExists(probe); // a gateway starting meanwhile may have swept it
        } catch (IOException e) {
            throw new IOException("cannot write spool directory " + temporary + ": " + describe(e)
                    + WriteAccess.hint(temporary, "spool.dir", "the service user needs write access"), e);
        }
    }

    /** Deletes what a crash left in tmp/ (instances never acknowledged); returns how many files. */
    public int sweepTemporary() throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(temporary)) {
            for (Path leftover : leftovers) {
                if (Files.isRegularFile(leftover)) {
                    Files.deleteIfExists(leftover);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
