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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
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
    private final Counter failures;
    private final MeterRegistry registry;
    private final DeliveredInstanceIndex index;
    /** Studies whose last seal attempt failed: how many times in a row, and when to try again. */
    private final Map<StudyKey, SealRetry> sealRetries = new ConcurrentHashMap<>();

    private record SealRetry(int failures, Instant at) {
    }

    /**
     * Sealed batches (files moved, no manifest yet) whose instances are still to be recorded in the index, in the
     * order they were sealed: recorded in that order, so a later version never gets its number before an earlier one.
     */
    private final java.util.ArrayDeque<Unrecorded> unrecorded = new java.util.ArrayDeque<>();
    /** Index failures in a row while recording, and when to try again (1 s, doubling to a minute). */
    private SealRetry indexRetry = new SealRetry(0, Instant.EPOCH);

    /** A batch waiting for its index record; {@code recovered} when a stop interrupted its seal. */
    private record Unrecorded(BatchManifest manifest, boolean recovered) {
    }

    StudySealer(SpoolLayout layout, StudyCompletionTracker tracker, StudyLocks locks, Clock clock, SpoolUsage usage,
                MeterRegistry registry, DeliveredInstanceIndex index) {
        this.registry = registry;
        this.index = index;
        this.failures = Counter.builder("dicom.gateway.studies.seal.failures")
                .description("Seal attempts that failed (the study stays open and is sealed again later)").register(registry);
        this.layout = layout;
        this.tracker = tracker;
        this.locks = locks;
        this.clock = clock;
        this.usage = usage;
        this.sealed = Counter.builder("dicom.gateway.studies.sealed").description("Studies (or later parts) sealed into batches")
                .register(registry);
    }

    /** Seals every study complete now; returns the new batch ids. Honours a rescan request from `import` first. */
    public synchronized List<String> sealCompleteStudies() throws IOException {
        if (Files.deleteIfExists(layout.rescanRequest())) {
            rebuildFromIncoming();
        }
        Instant now = clock.instant();
        List<String> batches = new ArrayList<>(recordSealed(now));
        for (StudyKey study : tracker.complete(now)) {
            SealRetry retry = sealRetries.get(study);
            if (retry != null && retry.at().isAfter(now)) {
                continue;
            }
            try {
                batches.addAll(seal(study, now));
                sealRetries.remove(study);
            } catch (Throwable e) { // one study's trouble never stops the sealing of the others
                FatalErrors.rethrowIfFatal(e);
                Duration delay = sealRetryDelay(study, now);
                failures.increment();
                LOG.error("cannot seal study {}/{}/{}; it stays open in {} and is sealed again in {} s: {}",
                        study.collection(), study.entity(), study.item(), layout.incoming(), delay.toSeconds(),
                        FatalErrors.describe(e));
            }
        }
        return batches;
    }

    /** Seal attempts of a study that failed back off from 1 s to a minute, so a lasting cause logs once a minute. */
    private Duration sealRetryDelay(StudyKey study, Instant now) {
        SealRetry previous = sealRetries.get(study);
        int failuresSoFar = previous == null ? 0 : previous.failures() + 1;
        Duration delay = Duration.ofSeconds(Math.min(60, 1L << Math.min(6, failuresSoFar)));
        sealRetries.put(study, new SealRetry(failuresSoFar, now.plus(delay)));
        return delay;
    }

    /**
     * Seals {@code study} if it is still complete at {@code now} once its exclusive lock is held (an instance that
     * arrived since the tracker was asked keeps it open). The study is forgotten only after its files moved; a move
     * that fails leaves it open and in incoming/, to be sealed at a later attempt. Returns the batches whose seal
     * completed (this one, and earlier ones that waited for the index), none when the study stays open.
     */
    private List<String> seal(StudyKey study, Instant now) throws IOException {
        ReadWriteLock lock = locks.exclusive(study);
        Path batchDirectory;
        int part;
        boolean forcedByMaxOpen;
        try {
            if (!tracker.isComplete(study, now)) {
                return List.of();
            }
            forcedByMaxOpen = tracker.forcedByMaxOpen(study, now);
            Path studyDirectory = study.directory(layout.incoming());
            if (!Files.isDirectory(studyDirectory)) {
                tracker.sealed(study);
                locks.evict(study, lock);
                return List.of();
            }
            part = nextPart(study);
            batchDirectory = layout.batches().resolve(study.entity() + "_" + study.item() + "_p" + part);
            DurableFiles.createDirectories(batchDirectory);
            try {
                DurableFiles.writeDurably(batchDirectory.resolve(STUDY_KEY), String.join("\n", study.collection(),
                        study.entity(), study.item(), String.valueOf(part)).getBytes(StandardCharsets.UTF_8));
                Files.move(studyDirectory, batchDirectory.resolve(FILES), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                removeUnsealed(batchDirectory);
                throw e;
            }
            DurableFiles.syncDirectory(studyDirectory.getParent());
            DurableFiles.syncDirectory(batchDirectory);
            tracker.sealed(study);
            locks.evict(study, lock);
        } finally {
            lock.writeLock().unlock();
        }
        try {
            unrecorded.add(new Unrecorded(describe(batchDirectory, study, part, forcedByMaxOpen, true), false));
        } catch (Throwable e) { // sealed, but its files cannot be described (a directory named x.dcm, a vanished file)
            FatalErrors.rethrowIfFatal(e);
            setAside(batchDirectory, "cannot be described after sealing: " + FatalErrors.describe(e));
            return List.of();
        }
        return recordSealed(now);
    }

    /**
     * Records the sealed batches waiting for the index, oldest first, and writes each one's manifest (from then on
     * the delivery engine sees it); returns their ids. An index that cannot be written (another process holds it
     * beyond the busy timeout, a full disk) is an outage, not the batch's fault: the batches wait, in order, and are
     * tried again after a back-off; any other failure sets that batch aside.
     */
    private List<String> recordSealed(Instant now) {
        List<String> completed = new ArrayList<>();
        if (unrecorded.isEmpty() || indexRetry.at().isAfter(now)) {
            return completed;
        }
        while (!unrecorded.isEmpty()) {
            Unrecorded next = unrecorded.peek();
            Path batchDirectory = layout.batches().resolve(next.manifest().batchId);
            try {
                if (completeSeal(batchDirectory, next)) {
                    completed.add(next.manifest().batchId);
                }
                unrecorded.poll();
                indexRetry = new SealRetry(0, Instant.EPOCH);
            } catch (DeliveredInstanceIndex.UnavailableException e) {
                Duration delay = Duration.ofSeconds(Math.min(60, 1L << Math.min(6, indexRetry.failures())));
                indexRetry = new SealRetry(indexRetry.failures() + 1, now.plus(delay));
                failures.increment();
                LOG.error("batch {} is sealed, but its instances cannot be recorded in the delivered-instance index "
                        + "yet; {} batch(es) wait and are delivered once they are (tried again in {} s): {}",
                        next.manifest().batchId, unrecorded.size(), delay.toSeconds(), FatalErrors.describe(e));
                break;
            } catch (Throwable e) {
                FatalErrors.rethrowIfFatal(e);
                unrecorded.poll();
                setAside(batchDirectory, "cannot be recorded after sealing: " + FatalErrors.describe(e));
            }
        }
        return completed;
    }

    /** Records {@code sealed} in the index and writes its manifest; false when nothing was left to deliver. */
    private boolean completeSeal(Path batchDirectory, Unrecorded sealed) throws IOException {
        BatchManifest manifest = sealed.manifest();
        if (Files.exists(batchDirectory.resolve(BatchManifest.FILE_NAME))) {
            return false; // completed meanwhile by another process's start-up recovery (`import`); delivery has it
        }
        if (!recordInIndex(batchDirectory, manifest)) {
            if (sealed.recovered()) {
                LOG.info("batch {} interrupted by a stop held only instances already delivered; removed",
                        manifest.batchId);
            }
            return false;
        }
        manifest.write(batchDirectory.resolve(BatchManifest.FILE_NAME));
        if (sealed.recovered()) {
            LOG.info("completed the seal of batch {} interrupted by a stop", manifest.batchId);
            return true;
        }
        this.sealed.increment();
        LOG.info("study sealed batch={} instances={} bytes={}{}", manifest.batchId, manifest.instances.size(),
                manifest.bytes(), manifest.sealedByMaxOpen ? " reason=max_open (instances were still arriving)" : "");
        return true;
    }

    /** Removes a batch directory whose files never moved in (a failed seal): only its seal record can be in it. */
    private void removeUnsealed(Path batchDirectory) {
        try {
            Files.deleteIfExists(batchDirectory.resolve(STUDY_KEY));
            Files.deleteIfExists(batchDirectory.resolve("." + STUDY_KEY + ".tmp"));
            Files.deleteIfExists(batchDirectory);
            DurableFiles.syncDirectory(batchDirectory.getParent());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove the empty batch directory {} of a failed seal: {}", batchDirectory,
                    FatalErrors.describe(e)); // start-up recovery removes it
        }
    }

    /**
     * Records the batch's instances in the delivered-instance index (one transaction, before the manifest exists, so
     * a stop in between repeats it with the same answer) and drops those another batch already holds unchanged: they
     * were sent again after their study was sealed. Gives each remaining instance its version. False when nothing is
     * left to deliver (the batch directory is then gone).
     */
    private boolean recordInIndex(Path batchDirectory, BatchManifest manifest) throws IOException {
        List<DeliveredInstanceIndex.Sealing> sealing = manifest.instances.stream()
                .map(i -> new DeliveredInstanceIndex.Sealing(i.sop(), i.digest())).toList();
        int[] versions = index.seal(manifest.collection, manifest.batchId, sealing, clock.instant());
        List<String> droppedStages = new ArrayList<>();
        for (int i = 0; i < versions.length; i++) {
            if (versions[i] == 0) {
                var known = index.find(manifest.collection, manifest.instances.get(i).sop());
                droppedStages.add(known.map(e -> e.stage().label()).orElse("sealed"));
            }
        }
        List<BatchManifest.Instance> kept = new ArrayList<>();
        long dropped = 0;
        for (int i = 0; i < versions.length; i++) {
            BatchManifest.Instance instance = manifest.instances.get(i);
            if (versions[i] == 0) {
                Files.deleteIfExists(batchDirectory.resolve(FILES).resolve(instance.file()));
                InstanceSummary.discard(batchDirectory.resolve(FILES).resolve(instance.file()));
                dropped += instance.bytes();
            } else {
                kept.add(instance.withVersion(versions[i]));
            }
        }
        droppedStages.forEach(stage -> duplicates(stage).increment());
        usage.add(-dropped);
        if (kept.size() < manifest.instances.size()) {
            LOG.info("batch {}: {} instance(s) already sealed or delivered unchanged were dropped", manifest.batchId,
                    manifest.instances.size() - kept.size());
        }
        manifest.instances = kept;
        if (kept.isEmpty()) {
            Path trash = layout.trash().resolve(manifest.batchId + "-" + System.nanoTime());
            Files.move(batchDirectory, trash, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(layout.batches());
            deleteRecursively(trash);
            return false;
        }
        return true;
    }

    private Counter duplicates(String stage) {
        return Counter.builder("dicom.gateway.instances.duplicate")
                .description("Instances received again and kept once, by where the earlier copy was: open (replaced), "
                        + "sealed or delivered (same content: acknowledged, not delivered again)")
                .tag("stage", stage).register(registry);
    }

    static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * The next part number of the study, recorded durably before it is used. A counter file that cannot be read
     * (damaged, planted) is replaced by one past the highest part found in batches/, failed/ and delivered/.
     */
    private int nextPart(StudyKey study) throws IOException {
        Path counter = layout.partNumbers().resolve(study.collection()).resolve(study.entity()).resolve(study.item());
        int last = 0;
        if (Files.exists(counter)) {
            String text = DurableFiles.readControlFile(counter).trim();
            if (text.matches("[0-9]{1,9}")) {
                last = Integer.parseInt(text);
            } else {
                last = highestPartOnDisk(study);
                LOG.warn("part counter {} is unreadable; continuing after the highest part on disk ({})", counter, last);
            }
        }
        DurableFiles.createDirectories(counter.getParent());
        DurableFiles.writeDurably(counter, String.valueOf(last + 1).getBytes(StandardCharsets.US_ASCII));
        return last + 1;
    }

    private int highestPartOnDisk(StudyKey study) throws IOException {
        String prefix = study.entity() + "_" + study.item() + "_p";
        int highest = 0;
        for (Path directory : new Path[] {layout.batches(), layout.failed(), layout.delivered()}) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, prefix + "*")) {
                for (Path entry : entries) {
                    String digits = entry.getFileName().toString().substring(prefix.length()).replaceFirst("\\.json$", "");
                    if (digits.matches("[0-9]{1,9}")) {
                        highest = Math.max(highest, Integer.parseInt(digits));
                    }
                }
            }
        }
        return highest;
    }

    /**
     * A manifest for the .dcm files in {@code batchDirectory}/files (state SEALED): their digests and AE titles come
     * from the {@link InstanceSummary} each was staged with (their .summary sidecars, which stay beside them and are
     * never listed), and only where one is missing or stale from the file itself.
     */
    private BatchManifest describe(Path batchDirectory, StudyKey study, int part, boolean forcedByMaxOpen,
                                   boolean withDigests) throws IOException {
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
                // the summary captured at staging, if it is whole and still describes the file; else the file itself
                java.util.Optional<InstanceSummary> summary = InstanceSummary.read(file);
                String callingAe = summary.isPresent() ? summary.get().callingAe() : sourceAe(file);
                // one pass stages without a digest (none is computed before the acknowledgement): read the file for it
                String digest = !withDigests ? null : summary.isPresent() && summary.get().digest() != null
                        ? summary.get().digest() : InstanceDigest.of(file);
                manifest.instances.add(new BatchManifest.Instance(relative.getName(0).toString(),
                        name.substring(0, name.length() - 4), relative.toString(), Files.size(file),
                        Files.getLastModifiedTime(file).toInstant().toString(), callingAe, digest, 0));
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
    public synchronized void recover() throws IOException {
        List<Path> batches;
        try (Stream<Path> listed = Files.list(layout.batches())) {
            batches = listed.sorted(SEAL_ORDER).toList(); // a study's parts in the order they were sealed
        }
        for (Path batch : batches) {
            try {
                recoverBatch(batch);
            } catch (Throwable e) { // set aside; start-up goes on with the others
                FatalErrors.rethrowIfFatal(e);
                setAside(batch, "cannot be recovered at start-up: " + FatalErrors.describe(e));
            }
        }
        recordSealed(clock.instant());
        rebuildFromIncoming();
    }

    /** Batch directories entity_item_pN by study, then by part number (p10 after p9). */
    private static final Comparator<Path> SEAL_ORDER = Comparator
            .comparing((Path batch) -> batch.getFileName().toString().replaceFirst("_p[0-9]{1,9}$", ""))
            .thenComparingLong(batch -> {
                String name = batch.getFileName().toString();
                return name.matches(".*_p[0-9]{1,9}") ? Long.parseLong(name.substring(name.lastIndexOf("_p") + 2)) : 0;
            })
            .thenComparing(batch -> batch.getFileName().toString());

    /**
     * One walk of incoming/ registers every open study with the times of its files and counts their bytes; with the
     * batches' bytes that is the spool's usage. At start-up, and when `import` (another process) added studies.
     * Instances staged while the walk runs may be counted once too many or too few until the next rebuild.
     */
    private void rebuildFromIncoming() throws IOException {
        long incoming = registerOpenStudies();
        usage.set(incoming + SpoolUsage.bytesUnder(layout.batches(), layout.failed()));
    }

    /**
     * Queues a seal a stop interrupted for its index record and manifest; removes a batch directory the stop left
     * before any file moved in.
     */
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
        BatchManifest manifest = describe(batch, new StudyKey(fields[0], fields[1], fields[2]), Integer.parseInt(fields[3]),
                false, true);
        unrecorded.add(new Unrecorded(manifest, true)); // recorded in the index and given its manifest next
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
                    ? describe(batch, study, part, false, false) : describeEmpty(name, study, part);
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
