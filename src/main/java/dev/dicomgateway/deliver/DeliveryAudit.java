package dev.dicomgateway.deliver;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * `dicom-gateway verify`: proves that every batch the spool still records as delivered (in batches/ in state
 * DONE, or its manifest in delivered/) is complete at its destinations — each object exists with the recorded
 * size and CRC32C, an archive holds exactly the manifest's members, and the metadata store holds exactly one row
 * per instance naming the right object and member. Read-only: it takes no lock and writes nothing, so it runs beside
 * a running gateway (a batch that moves from batches/ to delivered/ while it reads is read from there).
 * The destination is read through a {@link DeliveredObjects} (local directory or Cloud Storage) and the metadata
 * store through a {@link DeliveredRows} (NDJSON files or a BigQuery table), one small class each.
 */
public final class DeliveryAudit {
    /** A member name longer than a ustar header can hold is not one the gateway wrote. */
    private static final int BLOCK = 512;
    /** At most this many extra members are listed per archive; the rest are counted. */
    private static final int MAX_LISTED_EXTRAS = 100;

    /** One difference: the batch, the instance (its archive member / file, pseudonymous) or object, kind and what. */
    public record Discrepancy(String batch, String instance, String kind, String what) {
    }

    /** What was checked and every difference found. */
    public record Report(int batches, long instances, int objects, long rows, List<Discrepancy> discrepancies) {
        public Map<String, Long> byKind() {
            Map<String, Long> kinds = new TreeMap<>();
            discrepancies.forEach(d -> kinds.merge(d.kind(), 1L, Long::sum));
            return kinds;
        }
    }

    private final GatewayConfig config;
    private final SpoolLayout layout;
    private DeliveredObjects objects;
    private DeliveredRows metadata;

    public DeliveryAudit(GatewayConfig config) {
        this.config = config;
        this.layout = new SpoolLayout(config.spool().dir());
    }

    /** The destinations verify cannot read, or null when it can check them all. */
    public String unsupported() {
        if (!List.of("local", "gcs").contains(config.destination().type())) {
            return "destination.type=" + config.destination().type();
        }
        if (!List.of("local", "bigquery").contains(config.metadata().type())) {
            return "metadata.type=" + config.metadata().type();
        }
        return null;
    }

    private void connect() {
        if (objects == null) {
            objects = config.destination().type().equals("gcs") ? new GcsDeliveredObjects(config.destination().gcs())
                    : new LocalDeliveredObjects(config.destination().localDir());
            metadata = config.metadata().type().equals("bigquery")
                    ? new dev.dicomgateway.deliver.bigquery.BigQueryDeliveredRows(config.metadata().bigquery())
                    : new NdjsonDeliveredRows(config.metadata().localDir());
        }
    }

    /** Checks every batch delivered at or after {@code since} (null: every batch still recorded). */
    public Report run(Instant since) throws IOException {
        connect();
        List<Discrepancy> found = new ArrayList<>();
        Map<String, BatchManifest> manifests = delivered(since, found);
        long instances = 0;
        int objects = 0;
        for (BatchManifest manifest : manifests.values()) {
            instances += manifest.instances.size();
            for (BatchManifest.StoredObject object : manifest.objects) {
                objects++;
                checkObject(manifest, object, found);
            }
        }
        long rows = checkRows(manifests, found);
        return new Report(manifests.size(), instances, objects, rows, found);
    }

    /** Delivered manifests by batch id: batches/ first, then delivered/ (where a batch goes once kept long enough). */
    private Map<String, BatchManifest> delivered(Instant since, List<Discrepancy> found) throws IOException {
        Map<String, BatchManifest> manifests = new TreeMap<>();
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> batches = Files.newDirectoryStream(layout.batches())) {
            batches.forEach(batch -> candidates.add(batch.resolve(BatchManifest.FILE_NAME)));
        }
        try (DirectoryStream<Path> kept = Files.newDirectoryStream(layout.delivered(), "*.json")) {
            kept.forEach(candidates::add);
        }
        for (int i = 0; i < candidates.size(); i++) {
            Path file = candidates.get(i);
            BatchManifest manifest;
            try {
                manifest = BatchManifest.read(file);
            } catch (NoSuchFileException moved) {
                // Not sealed yet (no manifest), or finished and moved to delivered/ after that directory was listed:
                // then it is read there, not passed over.
                Path kept = layout.delivered().resolve(file.getParent().getFileName() + ".json");
                if (file.getFileName().toString().equals(BatchManifest.FILE_NAME) && Files.exists(kept)) {
                    candidates.add(kept);
                }
                continue;
            } catch (IOException e) { // a damaged manifest is a finding, not the end of the check
                found.add(new Discrepancy(file.getParent().getFileName() + "/" + file.getFileName(), "manifest",
                        "unreadable", "manifest " + file + " cannot be read (" + e.getMessage() + ")"));
                continue;
            }
            if (manifest.state != BatchState.DONE || manifest.deliveredAt == null) {
                continue;
            }
            try {
                if (since != null && Instant.parse(manifest.deliveredAt).isBefore(since)) {
                    continue;
                }
            } catch (java.time.format.DateTimeParseException e) {
                found.add(new Discrepancy(manifest.batchId, "manifest", "unreadable", "manifest " + file
                        + " records deliveredAt " + manifest.deliveredAt + ", not an instant"));
                continue;
            }
            manifests.putIfAbsent(manifest.batchId, manifest);
        }
        return manifests;
    }

    private boolean archives(BatchManifest.StoredObject object) {
        return object.file().equals(BatchManifest.FILES_DIRECTORY) || object.file().equals("package.tar.gz");
    }

    private void checkObject(BatchManifest manifest, BatchManifest.StoredObject object, List<Discrepancy> found)
            throws IOException {
        String label = archives(object) ? "archive " + object.name() : object.file().replaceFirst("^files/", "");
        DeliveredObjects.Held held = objects.held(object.name());
        if (held == null) {
            found.add(new Discrepancy(manifest.batchId, label, "missing", "object " + object.name() + " is not in "
                    + objects.where()));
            return;
        }
        if (held.size() != object.size()) {
            found.add(new Discrepancy(manifest.batchId, label, "different", "object " + object.name() + " has "
                    + held.size() + " bytes, the manifest records " + object.size()));
        } else if (!java.util.Objects.equals(held.crc32c(), object.crc32c())) {
            found.add(new Discrepancy(manifest.batchId, label, "different", "object " + object.name() + " has CRC32C "
                    + held.crc32c() + ", the manifest records " + object.crc32c()));
        }
        if (archives(object)) {
            checkMembers(manifest, object, found);
        }
    }

    /** Lists the archive's members (data skipped, never held) and compares them with the manifest's instances. */
    private void checkMembers(BatchManifest manifest, BatchManifest.StoredObject object, List<Discrepancy> found) {
        Set<String> expected = new HashSet<>();
        manifest.instances.forEach(instance -> expected.add(instance.file()));
        Set<String> seen = new HashSet<>();
        int extras = 0;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(objects.open(object.name()), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            while (true) {
                if (readFully(in, header) < BLOCK) {
                    throw new EOFException("the archive ends inside a header");
                }
                if (allZero(header)) {
                    break;
                }
                String name = text(header, 345, 155);
                name = name.isEmpty() ? text(header, 0, 100) : name + "/" + text(header, 0, 100);
                long length = size(header);
                if (length < 0 || length > Long.MAX_VALUE - BLOCK) { // a hostile base-256 size: no overflow to 0
                    throw new IOException("member " + name + " claims a size of " + length + " bytes");
                }
                if (expected.contains(name)) {
                    if (!seen.add(name) && ++extras <= MAX_LISTED_EXTRAS) { // a repeated header is bounded like extras
                        found.add(new Discrepancy(manifest.batchId, name, "extra", "archive " + object.name()
                                + " holds the member twice"));
                    }
                } else if (++extras <= MAX_LISTED_EXTRAS) {
                    found.add(new Discrepancy(manifest.batchId, name, "extra", "archive " + object.name()
                            + " holds a member the manifest does not list"));
                }
                long skip = (length + BLOCK - 1) / BLOCK * BLOCK;
                if (skip(in, skip) < skip) {
                    throw new EOFException("the archive ends inside member " + name);
                }
            }
        } catch (IOException e) {
            found.add(new Discrepancy(manifest.batchId, "archive " + object.name(), "unreadable", "archive "
                    + object.name() + " cannot be read to its end (" + e.getMessage() + ")"));
        }
        if (extras > MAX_LISTED_EXTRAS) {
            found.add(new Discrepancy(manifest.batchId, "archive " + object.name(), "extra", (extras - MAX_LISTED_EXTRAS)
                    + " more members the manifest does not list"));
        }
        for (BatchManifest.Instance instance : manifest.instances) {
            if (!seen.contains(instance.file())) {
                found.add(new Discrepancy(manifest.batchId, instance.file(), "missing", "archive " + object.name()
                        + " does not hold the member"));
            }
        }
    }

    /** Reads this gateway's rows of the checked batches, keeping of each only its instance, object and member. */
    private long checkRows(Map<String, BatchManifest> manifests, List<Discrepancy> found) throws IOException {
        Map<String, Map<String, List<String[]>>> rowsByBatch = new HashMap<>();
        long[] rows = {0};
        metadata.forEach(config.gatewayId(), manifests.keySet(), new DeliveredRows.Sink() {
            @Override
            public void accept(DeliveredRows.Row row) {
                rows[0]++;
                rowsByBatch.computeIfAbsent(row.batch(), b -> new HashMap<>())
                        .computeIfAbsent(row.sop(), s -> new ArrayList<>(1))
                        .add(new String[] {row.objectUri(), row.archiveMember(), row.where()});
            }

            @Override
            public void unreadable(String part, String what) {
                found.add(new Discrepancy("-", part, "unreadable", what));
            }
        });
        for (BatchManifest manifest : manifests.values()) {
            Map<String, List<String[]>> bySop = rowsByBatch.getOrDefault(manifest.batchId, Map.of());
            Set<String> sops = new HashSet<>();
            for (int i = 0; i < manifest.instances.size(); i++) {
                BatchManifest.Instance instance = manifest.instances.get(i);
                sops.add(instance.sop());
                boolean archive = manifest.objects.size() == 1 && archives(manifest.objects.get(0));
                BatchManifest.StoredObject object = archive ? manifest.objects.get(0) : manifest.objects.get(i);
                String member = archive ? instance.file() : null;
                List<String[]> held = bySop.getOrDefault(instance.sop(), List.of());
                if (held.isEmpty()) {
                    found.add(new Discrepancy(manifest.batchId, instance.file(), "missing", "no metadata row"));
                    continue;
                }
                if (held.size() > 1) {
                    found.add(new Discrepancy(manifest.batchId, instance.file(), "extra", held.size()
                            + " metadata rows for the instance, expected 1"));
                }
                for (String[] row : held) {
                    if (!java.util.Objects.equals(row[0], object.uri()) || !java.util.Objects.equals(row[1], member)) {
                        found.add(new Discrepancy(manifest.batchId, instance.file(), "different", "metadata row in "
                                + row[2] + " names object " + row[0] + " member " + row[1] + ", expected "
                                + object.uri() + " member " + member));
                    }
                }
            }
            bySop.forEach((sop, held) -> {
                if (!sops.contains(sop)) {
                    found.add(new Discrepancy(manifest.batchId, "row " + sop, "extra", held.size()
                            + " metadata row(s) of an instance the batch does not hold"));
                }
            });
        }
        return rows[0];
    }

    private static int readFully(InputStream in, byte[] block) throws IOException {
        return in.readNBytes(block, 0, block.length);
    }

    private static long skip(InputStream in, long count) throws IOException {
        long skipped = 0;
        byte[] discard = new byte[1 << 16];
        while (skipped < count) {
            int n = in.read(discard, 0, (int) Math.min(discard.length, count - skipped));
            if (n < 0) {
                break;
            }
            skipped += n;
        }
        return skipped;
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** The member's size: octal, or the GNU base-256 form StudyArchive uses past 8 GiB. */
    private static long size(byte[] header) throws IOException {
        if ((header[124] & 0x80) != 0) {
            long size = 0;
            for (int i = 128; i < 136; i++) {
                size = (size << 8) | (header[i] & 0xFF);
            }
            return size;
        }
        String octal = text(header, 124, 12).trim();
        try {
            return Long.parseLong(octal, 8);
        } catch (NumberFormatException e) {
            throw new IOException("a member header has no valid size");
        }
    }
}
