package dev.dicomgateway.deliver;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one batch through its steps — package, store the object(s), store the metadata — recording each completed
 * step in the manifest before the next begins. Every step can be repeated after a crash with the same result: the
 * package is deterministic, object stores accept an identical object as already stored, and the metadata store
 * replaces a batch's rows rather than adding to them.
 *
 * <p>Packaging writes nothing but the manifest: it computes the archive's checksums from the batch's files, and the
 * object step generates the same bytes again as they are uploaded. So delivery needs no room on the spool for an
 * archive, and a full spool can always be emptied.
 */
final class BatchDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(BatchDelivery.class);
    /** Where versions before streaming packaged the archive; still uploaded from there if a batch has one. */
    static final String PACKAGE = "package.tar.gz";
    static final String FILES = BatchManifest.FILES_DIRECTORY;

    private final GatewayConfig config;
    private final Destinations destinations;
    private final ObjectNameTemplate archiveNames;
    private final ObjectNameTemplate instanceNames;

    BatchDelivery(GatewayConfig config, Destinations destinations) {
        this.config = config;
        this.destinations = destinations;
        this.archiveNames = ObjectNameTemplate.forArchives(config.destination().objectTemplate());
        this.instanceNames = ObjectNameTemplate.forInstances(config.destination().instanceTemplate());
    }

    /**
     * One step: returns the manifest in its next state (already written to {@code batchDirectory}), or in the same
     * state METADATA_QUEUED while the metadata store has not yet stored the queued rows.
     */
    BatchManifest step(Path batchDirectory, BatchManifest manifest) throws DeliveryException, IOException {
        switch (manifest.state) {
            case SEALED -> packageBatch(batchDirectory, manifest);
            case PACKAGED -> storeObjects(batchDirectory, manifest);
            case OBJECT_STORED -> storeMetadata(batchDirectory, manifest);
            case METADATA_QUEUED -> {
                if (!metadataMoved(manifest)) {
                    return manifest;
                }
            }
            default -> throw new IllegalStateException("no step after " + manifest.state);
        }
        manifest.write(batchDirectory.resolve(BatchManifest.FILE_NAME));
        return manifest;
    }

    /** Whether the queued rows are now stored (METADATA_STORED) or lost from the queue (OBJECT_STORED: write again). */
    private boolean metadataMoved(BatchManifest manifest) throws DeliveryException {
        MetadataStore.Progress progress;
        try {
            progress = destinations.metadata().poll(manifest.batchId);
        } catch (PermanentDeliveryException e) {
            manifest.state = BatchState.OBJECT_STORED; // after `retry`, the rows are written (queued) again
            throw e;
        }
        switch (progress) {
            case STORED -> manifest.state = BatchState.METADATA_STORED;
            case NOT_QUEUED -> manifest.state = BatchState.OBJECT_STORED;
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean archives() {
        return config.destination().layout().equals("study-archive");
    }

    private void packageBatch(Path batch, BatchManifest manifest) throws IOException, DeliveryException {
        Path files = batch.resolve(FILES);
        String studyDate = studyDate(files, manifest);
        List<BatchManifest.StoredObject> objects = new ArrayList<>();
        if (archives()) {
            Files.deleteIfExists(batch.resolve(PACKAGE + ".part")); // an older version's packaging, cut short
            Files.deleteIfExists(batch.resolve(PACKAGE)); // checksummed anew below; the archive is generated again
            Checksums checksums = StudyArchive.checksums(archiveMembers(files, manifest), config.destination().compressionLevel());
            String name = archiveNames.render(names(manifest, studyDate, null));
            // the object's file is files/ itself: the archive of them, generated as it is uploaded
            objects.add(new BatchManifest.StoredObject(name, FILES, checksums.size(), checksums.crc32c(), checksums.md5(), null));
        } else {
            for (BatchManifest.Instance instance : manifest.instances) {
                Checksums checksums = Checksums.of(files.resolve(instance.file()));
                Map<String, String> values = names(manifest, studyDate, instance);
                // passthrough names nothing by a value of the data set: {study} is then the item (a keyed digest)
                String study = config.deidentify().enabled()
                        ? MetadataRows.firstValue(files, instance, "0020000D") : null;
                values.put("study", study == null ? manifest.item : study);
                String name = instanceNames.renderInstance(values, instance.deliveredVersion());
                objects.add(new BatchManifest.StoredObject(name, FILES + "/" + instance.file(), checksums.size(),
                        checksums.crc32c(), checksums.md5(), null));
            }
        }
        manifest.objects = objects;
        manifest.state = BatchState.PACKAGED;
    }

    private void storeObjects(Path batch, BatchManifest manifest) throws DeliveryException {
        List<BatchManifest.StoredObject> stored = new ArrayList<>();
        for (BatchManifest.StoredObject object : manifest.objects) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("batch-id", manifest.batchId);
            metadata.put("instance-count", String.valueOf(manifest.instances.size()));
            metadata.put("gateway-id", config.gatewayId());
            metadata.put("content-type", archives() ? "application/gzip" : "application/dicom");
            String name = object.name();
            String uri;
            try {
                try {
                    uri = destinations.objects().put(name, content(batch, manifest, object), metadata);
                } catch (ObjectNameTakenException taken) {
                    // another gateway delivering to the same destination stored its part of this study under the
                    // name first: this gateway's part goes under a name of its own (the same one again after a crash)
                    name = ObjectNameTemplate.withSuffix(name, ObjectNameTemplate.gatewaySuffix(config.gatewayId()));
                    uri = destinations.objects().put(name, content(batch, manifest, object), metadata);
                    LOG.info("batch {}: object {} exists with other content (another gateway's?); stored as {}",
                            manifest.batchId, object.name(), name);
                }
            } catch (ContentChangedException e) { // its checksums no longer describe its bytes: package again
                manifest.state = BatchState.SEALED;
                manifest.objects = new ArrayList<>();
                throw e;
            }
            stored.add(new BatchManifest.StoredObject(name, object.file(), object.size(), object.crc32c(),
                    object.md5(), uri));
        }
        manifest.objects = stored;
        manifest.state = BatchState.OBJECT_STORED;
    }

    /** The bytes of {@code object}: a staged file, or the study archive of files/ (a file if an older version made one). */
    private ObjectContent content(Path batch, BatchManifest manifest, BatchManifest.StoredObject object) {
        Checksums checksums = new Checksums(object.size(), object.crc32c(), object.md5());
        boolean archive = object.file().equals(FILES)
                || object.file().equals(PACKAGE) && !Files.exists(batch.resolve(PACKAGE)); // the same bytes again
        if (!archive) {
            return ObjectContent.ofFile(batch.resolve(object.file()), checksums);
        }
        return ObjectContent.ofArchive("the study archive of batch " + manifest.batchId,
                archiveMembers(batch.resolve(FILES), manifest), config.destination().compressionLevel(), checksums);
    }

    /** The archive's members: every instance under its path in files/, sorted by name (the archive is deterministic). */
    private static List<StudyArchive.Member> archiveMembers(Path files, BatchManifest manifest) {
        return manifest.instances.stream().map(i -> new StudyArchive.Member(i.file(), files.resolve(i.file())))
                .sorted(java.util.Comparator.comparing(StudyArchive.Member::name)).toList();
    }

    private void storeMetadata(Path batch, BatchManifest manifest) throws DeliveryException {
        Path files = batch.resolve(FILES);
        MetadataRowSource rows = sink -> {
            for (int i = 0; i < manifest.instances.size(); i++) {
                BatchManifest.Instance instance = manifest.instances.get(i);
                BatchManifest.StoredObject object = archives() ? manifest.objects.get(0) : manifest.objects.get(i);
                try {
                    sink.accept(MetadataRows.row(manifest, instance, files, object, archives() ? instance.file() : null,
                            config.gatewayId()));
                } catch (UnreadableDataSetException e) {
                    throw new PermanentDeliveryException("staged instance " + instance.file() + " cannot be read back ("
                            + e.getMessage() + ")", e);
                }
            }
        };
        MetadataStore.Progress progress = destinations.metadata().write(manifest.batchId, rows);
        manifest.metadataRows = manifest.instances.size();
        manifest.state = progress == MetadataStore.Progress.STORED ? BatchState.METADATA_STORED : BatchState.METADATA_QUEUED;
    }

    private static Map<String, String> names(BatchManifest manifest, String studyDate, BatchManifest.Instance instance) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("collection", manifest.collection);
        values.put("entity", manifest.entity);
        values.put("item", manifest.item);
        values.put("studyDate", studyDate);
        values.put("part", ObjectNameTemplate.partSuffix(manifest.part));
        values.put("version", "");
        if (instance != null) {
            values.put("series", instance.series());
            values.put("sop", instance.sop());
        }
        return values;
    }

    /** The study date of the batch's first instance that has one (de-identified: shifted), or 00000000. */
    private static String studyDate(Path files, BatchManifest manifest) throws IOException {
        for (BatchManifest.Instance instance : manifest.instances) {
            String date = MetadataRows.firstValue(files, instance, "00080020");
            if (date != null && date.replaceAll("[^0-9]", "").length() == 8) {
                return date.replaceAll("[^0-9]", "");
            }
        }
        return "00000000";
    }
}
