package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.dicom.Uids;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quarantine area (quarantine/collection/entity/item/series/sop.dcm + sop.reason): what it holds, and the three
 * ways out an operator has after review — release into incoming/ (the instance then joins its study's delivery, a new
 * part if the study was delivered already), purge, or purge by age (deidentify.quarantine.retention). Used by the
 * `quarantine` commands (another process than the gateway) and by the running gateway, which keeps the gauges'
 * count and bytes: counted at start-up, adjusted by the stager, recounted every minute to see other processes'
 * releases and purges. Every release and purge is logged with the operating-system user and appended to
 * state/quarantine-audit.tsv.
 */
public final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    /** How often the running gateway recounts (releases and purges by the commands happen in another process). */
    static final Duration RECOUNT_INTERVAL = Duration.ofMinutes(1);
    /** How often the running gateway applies deidentify.quarantine.retention (as it purges old manifests). */
    static final Duration RETENTION_INTERVAL = Duration.ofHours(1);
    private static final String DICOM = ".dcm";
    private static final String REASON = ".reason";

    /** Where a released instance went: its study's directory under incoming/ (pseudonymous names). */
    public record Released(QuarantinedInstance instance, Path target) {
    }

    private final SpoolLayout layout;
    private final Clock clock;
    private final InstanceHeaderReader reader = new InstanceHeaderReader();
    private final AtomicLong instances = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private Instant lastRecount = Instant.EPOCH;
    private Instant lastRetention = Instant.EPOCH;

    public Quarantine(SpoolLayout layout, Clock clock) {
        this.layout = layout;
        this.clock = clock;
    }

    /** Every quarantined instance, sorted by when it was received (then by id); reads each staged header. */
    public List<QuarantinedInstance> list() throws IOException {
        List<QuarantinedInstance> entries = new ArrayList<>();
        for (Path file : files()) {
            entries.add(describe(file));
        }
        entries.sort(java.util.Comparator.comparing(QuarantinedInstance::receivedAt).thenComparing(QuarantinedInstance::id));
        return entries;
    }

    /** The quarantined instance {@code id}; an exception naming the fix when there is none (or more than one). */
    public QuarantinedInstance find(String id) throws IOException {
        if (!Uids.isValid(id)) {
            throw new NotInQuarantineException("not an instance id (a SOP Instance UID, as `quarantine list` shows)");
        }
        List<Path> matches = files().stream().filter(p -> p.getFileName().toString().equals(id + DICOM)).toList();
        if (matches.isEmpty()) {
            throw new NotInQuarantineException("no quarantined instance with this id (released or purged already? "
                    + "see `quarantine list`)");
        }
        if (matches.size() > 1) {
            throw new IOException("held " + matches.size() + " times in " + layout.quarantine()
                    + " (in different studies; move or delete the copies by hand)");
        }
        return describe(matches.get(0));
    }

    /**
     * Moves instance {@code id} into incoming/ under the same collection/entity/item/series path, atomically and
     * durably, and asks a running gateway to rescan incoming/ (as `import` does), so the study is sealed and
     * delivered like any other. The file's time becomes now: it arrives in incoming/ now, so an open study is not
     * sealed early because of it.
     */
    public Released release(String id, String user) throws IOException {
        QuarantinedInstance instance = find(id);
        Path target = layout.incoming().resolve(layout.quarantine().relativize(instance.file()));
        Files.setLastModifiedTime(instance.file(), FileTime.from(clock.instant()));
        InstanceSummary.discard(target); // an earlier copy's, which no longer describes it (it would be ignored anyway)
        for (int attempt = 1; ; attempt++) {
            DurableFiles.createDirectories(target.getParent());
            try {
                DurableFiles.moveDurably(instance.file(), target);
                break;
            } catch (NoSuchFileException e) {
                // the running gateway sealed the study's directory between our mkdir and our rename: create it again
                if (attempt == 3 || !Files.exists(instance.file())) {
                    throw e;
                }
            }
        }
        DurableFiles.syncDirectory(instance.file().getParent());
        Files.deleteIfExists(reasonFile(instance.file()));
        DurableFiles.syncDirectory(instance.file().getParent());
        DurableFiles.createDirectories(layout.rescanRequest().getParent());
        DurableFiles.writeDurably(layout.rescanRequest(), "quarantine release\n".getBytes(StandardCharsets.US_ASCII));
        record("release", instance, user);
        return new Released(instance, target);
    }

    /** Deletes instance {@code id} and its reason file. */
    public QuarantinedInstance purge(String id, String user) throws IOException {
        QuarantinedInstance instance = find(id);
        delete(instance.file());
        record("purge", instance, user);
        return instance;
    }

    /** Deletes every quarantined instance received more than {@code age} ago; returns them. */
    public List<QuarantinedInstance> purgeOlderThan(Duration age, String user) throws IOException {
        Instant cutoff = clock.instant().minus(age);
        List<QuarantinedInstance> purged = new ArrayList<>();
        for (Path file : files()) {
            if (modified(file).isBefore(cutoff)) {
                QuarantinedInstance instance = describe(file);
                delete(file);
                record("purge_older_than_" + age, instance, user);
                purged.add(instance);
            }
        }
        return purged;
    }

    /**
     * The running gateway's periodic work, called from its scheduler: recounts the gauges every minute and, when
     * {@code retention} is not zero, purges instances older than that at the first call and then hourly.
     */
    public void maintain(Duration retention) throws IOException {
        Instant now = clock.instant();
        boolean recounted = false;
        if (!retention.isZero() && !now.isBefore(lastRetention.plus(RETENTION_INTERVAL))) {
            lastRetention = now;
            purgeOlderThan(retention, "gateway(deidentify.quarantine.retention=" + retention + ")");
            recount();
            recounted = true;
        }
        if (!recounted && !now.isBefore(lastRecount.plus(RECOUNT_INTERVAL))) {
            recount();
        }
    }

    /** Counts the quarantined instances and their bytes from the disk (start-up, then every minute). */
    public void recount() throws IOException {
        lastRecount = clock.instant();
        long count = 0;
        long total = 0;
        for (Path file : files()) {
            count++;
            total += SpoolUsage.size(file);
        }
        instances.set(count);
        bytes.set(total);
    }

    /** The stager quarantined an instance of {@code size} bytes, replacing one of {@code replacedSize} if it did. */
    void added(long size, boolean replacing, long replacedSize) {
        if (!replacing) {
            instances.incrementAndGet();
        }
        bytes.addAndGet(size - replacedSize);
    }

    /** Instances in quarantine, as last counted (gauge dicom_gateway_quarantine_instances). */
    public long instances() {
        return instances.get();
    }

    /** Bytes in quarantine, as last counted (gauge dicom_gateway_quarantine_bytes). */
    public long bytes() {
        return bytes.get();
    }

    private QuarantinedInstance describe(Path file) throws IOException {
        String name = file.getFileName().toString();
        Path relative = layout.quarantine().relativize(file);
        String modality = "";
        String sopClass = "";
        try {
            InstanceHeader header = reader.read(file);
            modality = header.modality();
            sopClass = header.sopClassUid();
        } catch (UnreadableDataSetException e) {
            // staged by the gateway, so readable; if not, the entry is still listed (and can be purged)
        }
        return new QuarantinedInstance(name.substring(0, name.length() - DICOM.length()), reason(file), modality,
                sopClass, SpoolUsage.size(file), modified(file), relative.getName(1).toString(),
                relative.getName(2).toString(), file);
    }

    private static String reason(Path file) {
        try {
            return Files.readString(reasonFile(file), StandardCharsets.UTF_8).split("\t", 2)[0].trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Path reasonFile(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - DICOM.length()) + REASON);
    }

    private Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return clock.instant();
        }
    }

    /** Deletes the instance, then its reason file (a stop in between leaves only a reason file, which nothing counts). */
    private static void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(reasonFile(file));
        DurableFiles.syncDirectory(file.getParent());
    }

    /** The staged instances: quarantine/collection/entity/item/series/sop.dcm, sorted. */
    private List<Path> files() throws IOException {
        Path root = layout.quarantine();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root, 5)) {
            return walk.filter(p -> root.relativize(p).getNameCount() == 5)
                    .filter(p -> p.getFileName().toString().endsWith(DICOM))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** One log line and one audit line per release or purge: what, which (pseudonymous) instance, who. */
    private void record(String action, QuarantinedInstance instance, String user) throws IOException {
        LOG.info("quarantine {} id={} study={}/{} reason={} user={}", action, instance.id(), instance.entity(),
                instance.item(), instance.reason(), user);
        String line = String.join("\t", clock.instant().toString(), action, instance.id(), instance.entity(),
                instance.item(), instance.reason(), user) + "\n";
        Path audit = layout.quarantineAudit();
        DurableFiles.createDirectories(audit.getParent());
        try (FileChannel channel = FileChannel.open(audit, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
    }
}
