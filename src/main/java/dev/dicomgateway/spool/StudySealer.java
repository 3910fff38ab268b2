package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals complete studies: moves the study's directory out of incoming/ into batches/<batch-id>/files in one
 * atomic rename and writes its manifest. Instances of the study that arrive later start a new open study, sealed
 * later as the next part. Also rebuilds the open studies and unfinished seals from the disk at start-up.
 */
public final class StudySealer {
    private static final Logger LOG = LoggerFactory.getLogger(StudySealer.class);
    private static final String FILES = BatchManifest.FILES_DIRECTORY;
    /** Written into a batch directory before its files move in, so a seal cut short can be completed. */
    private static final String STUDY_KEY = "study.key";

    private final SpoolLayout layout;
    private final StudyCompletionTracker tracker;
    private final StudyLocks locks;
    private final Clock clock;
    private final SpoolUsage usage;
    private final Counter sealed;

    StudySealer(SpoolLayout layout, StudyCompletionTracker tracker, StudyLocks locks, Clock clock, SpoolUsage usage,
                MeterRegistry registry) {
        this.layout = layout;
        this.tracker = tracker;
        this.locks = locks;
        this.clock = clock;
        this.usage = usage;
        this.sealed = Counter.builder("dicom.gateway.studies.sealed").description("Studies (or later parts) sealed into batches")
                .register(registry);
    }

    /** Seals every study complete now; returns the new batch ids. Honours a rescan request from `import` first. */
    public List<String> sealCompleteStudies() throws IOException {
        if (Files.deleteIfExists(layout.rescanRequest())) {
            rebuildFromIncoming();
        }
        Instant now = clock.instant();
        List<String> batches = new ArrayList<>();
        for (StudyKey study : tracker.complete(now)) {
            boolean forced = tracker.forcedByMaxOpen(study, now);
            try {
                String batch = seal(study, forced);
                if (batch != null) {
                    batches.add(batch);
                }
            } catch (Throwable e) { // one study's trouble never stops the sealing of the others
                LOG.error("cannot seal study {}/{}/{}: {}", study.collection(), study.entity(), study.item(),
                        FatalErrors.describe(e));
                FatalErrors.rethrowIfFatal(e);
            }
        }
        return batches;
    }

    private String seal(StudyKey study, boolean forcedByMaxOpen) throws IOException {
        Lock lock = locks.of(study).writeLock();
        Path batchDirectory;
        int part;
        lock.lock();
        try {
            Path studyDirectory = study.directory(layout.incoming());
            tracker.sealed(study);
            if (!Files.isDirectory(studyDirectory)) {
                return null;
            }
            part = nextPart(study);
            batchDirectory = layout.batches().resolve(study.entity() + "_" + study.item() + "_p" + part);
            Files.createDirectories(batchDirectory, OwnerOnly.DIRECTORY);
            DurableFiles.writeDurably(batchDirectory.resolve(STUDY_KEY), String.join("\n", study.collection(),
                    study.entity(), study.item(), String.valueOf(part)).getBytes(StandardCharsets.UTF_8));
            Files.move(studyDirectory, batchDirectory.resolve(FILES), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(studyDirectory.getParent());
            DurableFiles.syncDirectory(batchDirectory);
        } finally {
            lock.unlock();
        }
        BatchManifest manifest;
        try {
            manifest = describe(batchDirectory, study, part, forcedByMaxOpen);
            manifest.write(batchDirectory.resolve(BatchManifest.FILE_NAME));
        } catch (Throwable e) { // sealed, but its files cannot be described (a directory named x.dcm, a vanished file)
            FatalErrors.rethrowIfFatal(e);
            setAside(batchDirectory, "cannot be described after sealing: " + FatalErrors.describe(e));
            return null;
        }
        sealed.increment();
        LOG.info("study sealed batch={} instances={} bytes={}{}", manifest.batchId, manifest.instances.size(),
                manifest.bytes(), forcedByMaxOpen ? " reason=max_open (instances were still arriving)" : "");
        return manifest.batchId;
    }

    /** The next part number of the study, recorded durably before it is used. */
    private int nextPart(StudyKey study) throws IOException {
        Path counter = layout.partNumbers().resolve(study.collection()).resolve(study.entity()).resolve(study.item());
        int last = Files.exists(counter) ? Integer.parseInt(DurableFiles.readControlFile(counter).trim()) : 0;
        DurableFiles.createDirectories(counter.getParent());
        DurableFiles.writeDurably(counter, String.valueOf(last + 1).getBytes(StandardCharsets.US_ASCII));
        return last + 1;
    }

    /** A manifest for the files in {@code batchDirectory}/files (state SEALED). */
    private BatchManifest describe(Path batchDirectory, StudyKey study, int part, boolean forcedByMaxOpen) throws IOException {
        BatchManifest manifest = new BatchManifest();
        manifest.batchId = batchDirectory.getFileName().toString();
        manifest.collection = study.collection();
        manifest.entity = study.entity();
        manifest.item = study.item();
        manifest.part = part;
        manifest.sealedAt = clock.instant().toString();
        manifest.sealedByMaxOpen = forcedByMaxOpen;
        Path files = batchDirectory.resolve(FILES);
        try (Stream<Path> walk = Files.walk(files)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".dcm")).sorted(Comparator.naturalOrder()).toList()) {
                Path relative = files.relativize(file);
                String name = relative.getFileName().toString();
                manifest.instances.add(new BatchManifest.Instance(relative.getName(0).toString(),
                        name.substring(0, name.length() - 4), relative.toString(), Files.size(file),
                        Files.getLastModifiedTime(file).toInstant().toString(), sourceAe(file)));
            }
        }
        return manifest;
    }

    private static String sourceAe(Path file) throws IOException {
        try {
            return FileMetaGroup.read(file).sourceAeTitle();
        } catch (UnreadableDataSetException e) {
            return "";
        }
    }

    /**
     * Start-up: batches sealed just before a crash get their manifest; open studies are re-registered with the
     * times of their files, so a restart neither forgets an open study nor seals it early.
     */
    public void recover() throws IOException {
        try (DirectoryStream<Path> batches = Files.newDirectoryStream(layout.batches())) {
            for (Path batch : batches) {
                try {
                    recoverBatch(batch);
                } catch (Throwable e) { // set aside; start-up goes on with the others
                    FatalErrors.rethrowIfFatal(e);
                    setAside(batch, "cannot be recovered at start-up: " + FatalErrors.describe(e));
                }
            }
        }
        rebuildFromIncoming();
    }

    /**
     * One walk of incoming/ registers every open study with the times of its files and counts their bytes; with the
     * batches' bytes that is the spool's usage. At start-up, and when `import` (another process) added studies.
     * Instances staged while the walk runs may be counted once too many or too few until the next rebuild.
     */
    private void rebuildFromIncoming() throws IOException {
        long incoming = registerOpenStudies();
        usage.set(incoming + SpoolUsage.bytesUnder(layout.batches(), layout.failed()));
    }

    /** Completes a seal a stop interrupted; removes a batch directory the stop left before any file moved in. */
    private void recoverBatch(Path batch) throws IOException {
        if (Files.exists(batch.resolve(BatchManifest.FILE_NAME))) {
            return;
        }
        Path key = batch.resolve(STUDY_KEY);
        if (!Files.isDirectory(batch.resolve(FILES))) {
            try (Stream<Path> leftovers = Files.list(batch)) {
                for (Path leftover : leftovers.toList()) {
                    Files.deleteIfExists(leftover); // study.key or its temporary file: nothing was sealed
                }
            }
            Files.deleteIfExists(batch);
            return;
        }
        String[] fields = DurableFiles.readControlFile(key).split("\n");
        describe(batch, new StudyKey(fields[0], fields[1], fields[2]), Integer.parseInt(fields[3]), false)
                .write(batch.resolve(BatchManifest.FILE_NAME));
        LOG.info("completed the seal of batch {} interrupted by a stop", batch.getFileName());
    }

    /**
     * Moves a batch directory that cannot be worked on (its manifest unreadable, its seal record garbled) to failed/,
     * with a new manifest describing the files it holds and {@code reason}; an unreadable manifest is kept beside it
     * as manifest.json.unreadable. `status` then shows it, and `retry` puts it back once an operator has looked.
     */
    public void setAside(Path batch, String reason) {
        String name = batch.getFileName().toString();
        try {
            Path manifestFile = batch.resolve(BatchManifest.FILE_NAME);
            if (Files.exists(manifestFile)) {
                Files.move(manifestFile, batch.resolve(BatchManifest.FILE_NAME + ".unreadable"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            String[] parts = name.split("_");
            StudyKey study = new StudyKey(collectionOf(batch), parts[0], parts.length > 1 ? parts[1] : "");
            int part = parts.length > 2 && parts[2].matches("p[0-9]{1,9}") ? Integer.parseInt(parts[2].substring(1)) : 1;
            BatchManifest manifest = Files.isDirectory(batch.resolve(FILES))
                    ? describe(batch, study, part, false) : describeEmpty(name, study, part);
            manifest.failedReason = reason;
            manifest.write(manifestFile);
            Files.move(batch, layout.failed().resolve(name), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(layout.failed());
            DurableFiles.syncDirectory(batch.getParent());
            LOG.error("batch {} set aside in {}: {} (look at it, then: dicom-gateway retry {})", name, layout.failed(),
                    reason, name);
        } catch (Throwable e) {
            FatalErrors.rethrowIfFatal(e);
            LOG.error("batch {} {}; it cannot be moved to failed/ either ({}) and stays where it is", name, reason,
                    FatalErrors.describe(e));
        }
    }

    private String collectionOf(Path batch) {
        try {
            String key = DurableFiles.readControlFile(batch.resolve(STUDY_KEY));
            String first = key.split("\n", 2)[0].trim();
            return first.isEmpty() ? "unknown" : first;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private BatchManifest describeEmpty(String name, StudyKey study, int part) {
        BatchManifest manifest = new BatchManifest();
        manifest.batchId = name;
        manifest.collection = study.collection();
        manifest.entity = study.entity();
        manifest.item = study.item();
        manifest.part = part;
        manifest.sealedAt = clock.instant().toString();
        return manifest;
    }

    /** Registers every study in incoming/ with the times of its files; returns the bytes those files hold. */
    private long registerOpenStudies() throws IOException {
        Path incoming = layout.incoming();
        long bytes = 0;
        try (Stream<Path> files = Files.walk(incoming)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                Path relative = incoming.relativize(file);
                if (relative.getNameCount() == 5) {
                    StudyKey study = new StudyKey(relative.getName(0).toString(), relative.getName(1).toString(),
                            relative.getName(2).toString());
                    tracker.arrived(study, modified(file));
                    bytes += SpoolUsage.size(file);
                }
            }
        }
        return bytes;
    }

    private Instant modified(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toInstant();
        } catch (IOException e) {
            return clock.instant(); // removed while walking: it was just sealed or replaced
        }
    }
}
