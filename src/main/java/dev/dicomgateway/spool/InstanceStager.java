package dev.dicomgateway.spool;

import dev.dicomgateway.deidentify.DeidentifiedHeader;
import dev.dicomgateway.deidentify.DeidentifiedInstance;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.deidentify.MissingPatientIdException;
import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.DataSetLimits;
import dev.dicomgateway.dicom.DataSetSplitter;
import dev.dicomgateway.dicom.DicomJson;
import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.DuplicateStage;
import dev.dicomgateway.receive.InstanceSink;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.RefusalReason;
import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.receive.StoreRequest;
import dev.dicomgateway.receive.dimse.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages a received instance: de-identifies it, checks its identifiers, syncs the file to disk and renames it to
 * incoming/collection/entity/item/series/sop.dcm (or quarantine/..., with a reason file), then syncs the directory —
 * so Success is only ever answered for a de-identified instance that survives a crash. The raw received file is
 * deleted by the receive stage afterwards, whatever the outcome; the same SOP Instance UID received again replaces
 * the earlier copy, and one already sealed or delivered with the same content is acknowledged without being staged
 * ({@link DeliveredInstanceIndex}).
 */
public final class InstanceStager implements InstanceSink {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStager.class);
    /** An index that cannot be read is logged at most this often (every instance not open is refused meanwhile). */
    private static final java.time.Duration INDEX_REPORT_INTERVAL = java.time.Duration.ofMinutes(1);

    private final SpoolLayout layout;
    private final String collection;
    private final DiskSpace diskSpace;
    private final DeliveryReserve reserve;
    private final Deidentifier deidentifier;
    private final MeterRegistry registry;
    private final Clock clock;
    private final StudyCompletionTracker tracker;
    private final StudyLocks locks;
    private final SpoolUsage usage;
    private final long maxBytes;
    private final DataSetLimits limits;
    private final Quarantine quarantine;
    private final Counter withoutPatientId;
    private final DeliveredInstanceIndex index;
    private final WriteBehind writeBehind = new WriteBehind();
    private volatile java.time.Instant indexReportedAt = java.time.Instant.EPOCH;

    InstanceStager(SpoolLayout layout, String collection, DiskSpace diskSpace, DeliveryReserve reserve,
                   Deidentifier deidentifier, MeterRegistry registry, Clock clock, StudyCompletionTracker tracker,
                   StudyLocks locks, SpoolUsage usage, long maxBytes, DataSetLimits limits, Quarantine quarantine,
                   DeliveredInstanceIndex index) {
        this.layout = layout;
        this.collection = collection;
        this.diskSpace = diskSpace;
        this.reserve = reserve;
        this.deidentifier = deidentifier;
        this.registry = registry;
        this.clock = clock;
        this.tracker = tracker;
        this.locks = locks;
        this.usage = usage;
        this.maxBytes = maxBytes;
        this.limits = limits;
        this.quarantine = quarantine;
        this.index = index;
        this.withoutPatientId = Counter.builder("dicom.gateway.instances.without.patient.id")
                .description("Instances staged without a PatientID, under an entity derived from name, birth date and "
                        + "sex or from the study").register(registry);
        for (String reason : new String[] {"burned_in_annotation", "sop_class"}) {
            quarantined(reason).increment(0);
        }
    }

    @Override
    public StoreOutcome admit() {
        if (diskSpace.isLow()) {
            return StoreOutcome.refused(Status.OUT_OF_RESOURCES, RefusalReason.DISK_LOW,
                    "spool file system below spool.minFreeBytes (spool.dir)");
        }
        if (reserve.givenUp()) { // the file system was full: what is free now is delivery's
            return StoreOutcome.refused(Status.OUT_OF_RESOURCES, RefusalReason.DISK_FULL,
                    "spool file system full until delivery frees space (spool.dir)");
        }
        if (maxBytes > 0 && usage.bytes() >= maxBytes) {
            return StoreOutcome.refused(Status.OUT_OF_RESOURCES, RefusalReason.SPOOL_FULL,
                    "gateway spool full until delivery catches up");
        }
        return null;
    }

    /** Writing or staging an instance ran out of space: stop staging, and let delivery have the reserve. */
    @Override
    public void fileSystemFull() {
        reserve.giveUp("an instance being received or staged did not fit");
    }

    /**
     * Stages an instance in one pass as its data set arrives ({@link DataSetSplitter}): the attributes before the pixel
     * data are de-identified in memory and written, then the pixel data streams into the same file behind them. When
     * the de-identifier needs the whole file (a deflated data set, pixel mask rules) or passes instances through, the
     * data set is received into a file first and staged by {@link #store(ReceivedInstance)}.
     */
    @Override
    public StoreOutcome store(StoreRequest request, InputStream dataSet) throws IOException {
        if (!deidentifier.deidentifiesHeaders(request.transferSyntaxUid())) {
            return storeReceived(request, dataSet);
        }
        HeaderStep header = null;
        try (StagedFile staged = StagedFile.create(layout.temporary(), writeBehind)) {
            header = new HeaderStep(request, staged);
            DataSetSplitter.Split split;
            try {
                split = DataSetSplitter.split(dataSet, request.transferSyntaxUid(), limits, header);
            } catch (UnreadableDataSetException e) {
                return StoreOutcome.refused(Status.CANNOT_UNDERSTAND, RefusalReason.UNPARSEABLE, e.getMessage());
            }
            if (header.refusal != null) {
                return header.refusal;
            }
            if (header.spilled != null) {
                return storeSpilled(request, header.spilled);
            }
            DeidentifiedHeader prepared = header.result;
            prepared.recordStudy(); // only now: the whole data set was accepted (the file path records at this point too)
            StoreOutcome invalid = validate(prepared.original(), request.sopInstanceUid(), request.sopClassUid());
            if (invalid != null) {
                return invalid;
            }
            StoreOutcome outcome = stage(new Ready(staged.complete(), prepared.entity(), prepared.item(),
                    prepared.seriesInstanceUid(), prepared.sopInstanceUid(), prepared.quarantineReason(),
                    summaryOf(prepared, request, split)));
            if (prepared.withoutPatientId()) {
                withoutPatientId.increment();
            }
            return outcome;
        } finally {
            if (header != null && header.spilled != null) {
                header.spilled.discard(); // staged under its final name by now, or refused, or cut off
            }
        }
    }

    /**
     * The one-pass summary, from the attributes the de-identifier wrote (no second parse): what {@link DicomJson#read}
     * of the staged file gives, since that reads up to (7FE0,0010) and the file's first bytes are those attributes —
     * unless pixel data elements other than (7FE0,0010) come first (an extended offset table, float pixel data): then
     * none, and the file is parsed when sealed.
     */
    private static InstanceSummary summaryOf(DeidentifiedHeader prepared, StoreRequest request,
                                             DataSetSplitter.Split split) {
        if (prepared.metadata() == null || split.bulkLength() > 0 && split.firstBulkTag() != 0x7FE00010) {
            return null;
        }
        return new InstanceSummary(null, FileMetaInformation.sourceAeValue(request.callingAeTitle()), prepared.metadata());
    }

    /**
     * The splitter's step at the pixel data: de-identifies the header and writes it; a missing PatientID is kept as
     * the refusal (the rest of the data set is still read, into nothing, and checked). A header above {@link #ONE_PASS_HEADER_BYTES} is not parsed here: held bytes
     * and PixelMed's parse of them would both be in the heap at once, for every association doing it — it goes to a
     * file, with the pixel data behind it, and the file path stages that.
     */
    private final class HeaderStep implements DataSetSplitter.Handler {
        private final StoreRequest request;
        private final StagedFile staged;
        DeidentifiedHeader result;
        StoreOutcome refusal;
        ReceivedFile spilled;

        HeaderStep(StoreRequest request, StagedFile staged) {
            this.request = request;
            this.staged = staged;
        }

        @Override
        public DataSetSplitter.Bulk header(byte[] header, int length, long structure)
                throws IOException, UnreadableDataSetException {
            if (length > ONE_PASS_HEADER_BYTES) {
                spilled = ReceivedFile.create(layout.temporary(), new FileMetaInformation(request.sopClassUid(),
                        request.sopInstanceUid(), request.transferSyntaxUid(), request.callingAeTitle()));
                spilled.write(header, 0, length);
                spilled.bulkStartsHere();
                return spilled;
            }
            try {
                result = deidentifier.deidentifyHeader(header, length, structure, request.transferSyntaxUid(),
                        request.callingAeTitle(), staged.header());
            } catch (MissingPatientIdException e) {
                refusal = StoreOutcome.refused(Status.MISSING_PATIENT_ID, RefusalReason.MISSING_PATIENT_ID, e.getMessage());
                return DISCARD;
            }
            staged.headerWritten();
            return staged;
        }
    }

    /** Headers larger than this take the file path (see {@link HeaderStep}). */
    static final int ONE_PASS_HEADER_BYTES = 8 << 20;

    /** A data set whose header was too large for one pass: in a file now, staged by the file path. */
    private StoreOutcome storeSpilled(StoreRequest request, ReceivedFile file) throws IOException {
        try {
            Path path = file.complete();
            return store(new ReceivedInstance(path, request.sopClassUid(), request.sopInstanceUid(),
                    request.transferSyntaxUid(), request.callingAeTitle(), Files.size(path)));
        } finally {
            file.discard();
        }
    }

    private static final DataSetSplitter.Bulk DISCARD = new DataSetSplitter.Bulk() {
        @Override
        public void write(byte[] bytes, int offset, int length) {
        }

        @Override
        public void truncate(long bulkLength) {
        }
    };

    /** Receives the data set into a file (meta header first), then stages that file. */
    private StoreOutcome storeReceived(StoreRequest request, InputStream dataSet) throws IOException {
        ReceivedFile file = ReceivedFile.create(layout.temporary(), new FileMetaInformation(request.sopClassUid(),
                request.sopInstanceUid(), request.transferSyntaxUid(), request.callingAeTitle()));
        try {
            long bytes = file.copy(dataSet);
            return store(new ReceivedInstance(file.complete(), request.sopClassUid(), request.sopInstanceUid(),
                    request.transferSyntaxUid(), request.callingAeTitle(), bytes));
        } finally {
            file.discard(); // staged under its final name by now, or not at all
        }
    }

    /** Stages a received or imported Part 10 file: checked, de-identified into a second file, staged. */
    public StoreOutcome store(ReceivedInstance instance) throws IOException {
        Path output = instance.file().resolveSibling(instance.file().getFileName() + ".deid");
        try {
            DeidentifiedInstance prepared;
            try {
                // the one gate: nothing parses a data set, here or downstream, that this walk did not accept
                DataSetLayout layout = DataSetLayout.read(instance.file(), limits);
                prepared = deidentifier.deidentify(instance.file(), layout, output, instance.callingAeTitle());
            } catch (UnreadableDataSetException e) {
                return StoreOutcome.refused(Status.CANNOT_UNDERSTAND, RefusalReason.UNPARSEABLE, e.getMessage());
            } catch (MissingPatientIdException e) {
                return StoreOutcome.refused(Status.MISSING_PATIENT_ID, RefusalReason.MISSING_PATIENT_ID, e.getMessage());
            }
            StoreOutcome invalid = validate(prepared.original(), instance.sopInstanceUid(), instance.sopClassUid());
            if (invalid != null) {
                return invalid;
            }
            DurableFiles.syncFile(prepared.file());
            StoreOutcome outcome = stage(new Ready(prepared.file(), prepared.entity(), prepared.item(),
                    prepared.seriesInstanceUid(), prepared.sopInstanceUid(), prepared.quarantineReason(), null));
            if (prepared.withoutPatientId()) {
                withoutPatientId.increment();
            }
            return outcome;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * A de-identified instance in a synced file, where it is staged, and what its {@link InstanceSummary} says: the
     * one-pass path knows the header's JSON and the AE title from memory ({@code summary}, with no digest: that is
     * computed only when needed, never on the receive path); null on the file path, which reads them back.
     */
    private record Ready(Path file, String entity, String item, String seriesInstanceUid, String sopInstanceUid,
                         String quarantineReason, InstanceSummary summary) {
    }

    private StoreOutcome stage(Ready prepared) throws IOException {
        String reason = prepared.quarantineReason();
        Path target = layout.instancePath(collection, prepared.entity(), prepared.item(), prepared.seriesInstanceUid(),
                prepared.sopInstanceUid());
        StudyKey study = StudyKey.of(layout.incoming(), target.getParent().getParent());
        if (reason != null) { // the same content released by a reviewer and sealed already needs no second review
            StoreOutcome known = alreadyDelivered(study, prepared, null);
            return known != null ? known : quarantine(prepared, reason);
        }
        long size = Files.size(prepared.file());
        // the file path reads its file back anyway; one pass computes no digest before the acknowledgement
        String digest = prepared.summary() == null ? InstanceDigest.of(prepared.file()) : null;
        Lock lock = locks.share(study); // the study cannot be sealed half-way through this
        try {
            Lock file = locks.file(target); // nor can another association stage the same SOP Instance UID meanwhile
            file.lock();
            try {
                boolean replacing = Files.exists(target);
                if (!replacing) {
                    StoreOutcome known = alreadyDelivered(study, prepared, digest);
                    if (known != null) {
                        return known;
                    }
                }
                long replaced = replacing ? Files.size(target) : 0;
                DurableFiles.createDirectories(target.getParent());
                DurableFiles.moveDurably(prepared.file(), target);
                writeSummary(target, prepared.summary() != null ? prepared.summary() : summaryOf(target, digest));
                tracker.arrived(study, clock.instant());
                usage.add(size - replaced);
                return replacing ? StoreOutcome.storedAgain() : StoreOutcome.stored();
            } finally {
                file.unlock();
            }
        } finally {
            lock.unlock();
            locks.evictIfUnused(study, tracker::isOpen); // nothing staged (a known resend, a failure): no lock kept
        }
    }

    /**
     * Success without staging when the index holds this SOP Instance UID with the same content, sealed into a batch or
     * delivered (a re-push, or a resend after a lost response); null when it must be staged (new, or changed: then it
     * is sealed later as the next version). {@code digest} is the file's, or null to compute it only if needed.
     */
    private StoreOutcome alreadyDelivered(StudyKey study, Ready prepared, String digest) throws IOException {
        java.util.Optional<DeliveredInstanceIndex.Entry> known;
        try {
            known = index.find(study.collection(), prepared.sopInstanceUid());
        } catch (DeliveredInstanceIndex.UnavailableException e) { // refused: staging it could deliver a resend twice
            reportUnreadableIndex(e);
            return StoreOutcome.refused(Status.PROCESSING_FAILURE, RefusalReason.STAGING_FAILED,
                    "delivered-instance index unreadable (see the gateway log)");
        }
        if (known.isEmpty() || !known.get().digest().equals(digest != null ? digest : InstanceDigest.of(prepared.file()))) {
            return null;
        }
        return StoreOutcome.duplicate(switch (known.get().stage()) {
            case SEALED -> DuplicateStage.SEALED;
            case DELIVERED -> DuplicateStage.DELIVERED;
        });
    }

    /** The file path's summary: its header and AE title read back from the staged file (null when unreadable). */
    private static InstanceSummary summaryOf(Path target, String digest) {
        try {
            return new InstanceSummary(digest, FileMetaGroup.read(target).sourceAeTitle(), DicomJson.read(target));
        } catch (IOException | UnreadableDataSetException | RuntimeException e) {
            LOG.debug("no summary for staged instance {} ({}); it is parsed when sealed and delivered",
                    target.getFileName(), FatalErrors.describe(e));
            return null;
        }
    }

    /**
     * Writes the summary sealing and delivery read instead of parsing {@code target} again ({@link InstanceSummary}).
     * One that cannot be written is no failure: the instance is staged, and the sealer and delivery parse its file
     * instead, as they do after a crash took the summary.
     */
    private static void writeSummary(Path target, InstanceSummary summary) {
        try {
            if (summary != null) {
                summary.write(target);
                return;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no summary for staged instance {} ({}); it is parsed when sealed and delivered",
                    target.getFileName(), FatalErrors.describe(e));
        }
        try {
            InstanceSummary.discard(target);
        } catch (IOException ignored) {
            // a torn sidecar left behind is detected by its trailer
        }
    }

    /** One line a minute: without it the only trace was the sender's 0x0110 and "cannot write the instance". */
    private void reportUnreadableIndex(DeliveredInstanceIndex.UnavailableException e) {
        java.time.Instant now = clock.instant();
        if (indexReportedAt.plus(INDEX_REPORT_INTERVAL).isAfter(now)) {
            return;
        }
        indexReportedAt = now;
        LOG.error("{}; instances not already open in {} are refused (0x0110) until it can be read (spool.dir; if the "
                + "file is damaged: stop the gateway and move it aside; instances sent again are then delivered again)",
                FatalErrors.describe(e), layout.incoming());
    }

    private StoreOutcome quarantine(Ready prepared, String reason) throws IOException {
        Path target = layout.quarantinePath(collection, prepared.entity(), prepared.item(), prepared.seriesInstanceUid(),
                prepared.sopInstanceUid());
        DurableFiles.createDirectories(target.getParent());
        Lock file = locks.file(target);
        file.lock();
        try {
            Path reasonFile = target.resolveSibling(prepared.sopInstanceUid() + ".reason");
            DurableFiles.writeDurably(reasonFile, (reason + "\t" + clock.instant() + "\n").getBytes(StandardCharsets.UTF_8));
            boolean replacing = Files.exists(target);
            long replaced = replacing ? Files.size(target) : 0;
            long size = Files.size(prepared.file());
            DurableFiles.moveDurably(prepared.file(), target);
            quarantined(reason).increment();
            quarantine.added(size, replacing, replaced);
            return replacing ? StoreOutcome.storedAgain() : StoreOutcome.stored();
        } finally {
            file.unlock();
        }
    }

    private Counter quarantined(String reason) {
        return Counter.builder("dicom.gateway.instances.quarantined")
                .description("Instances kept in quarantine (possible burned-in text), by reason; never uploaded")
                .tag("reason", reason).register(registry);
    }

    private static StoreOutcome validate(InstanceHeader header, String sopInstanceUid, String sopClassUid) {
        StoreOutcome uids = requireUid(header.sopInstanceUid(), "SOP Instance UID");
        if (uids == null) {
            uids = requireUid(header.studyInstanceUid(), "Study Instance UID");
        }
        if (uids == null) {
            uids = requireUid(header.seriesInstanceUid(), "Series Instance UID");
        }
        if (uids != null) {
            return uids;
        }
        if (!header.sopInstanceUid().equals(sopInstanceUid)) {
            return StoreOutcome.refused(Status.SOP_INSTANCE_UID_MISMATCH, RefusalReason.UID_MISMATCH,
                    "data set SOP Instance UID differs from the C-STORE request's");
        }
        if (!header.sopClassUid().isEmpty() && !header.sopClassUid().equals(sopClassUid)) {
            return StoreOutcome.refused(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, RefusalReason.SOP_CLASS_MISMATCH,
                    "data set SOP Class UID differs from the C-STORE request's");
        }
        return null;
    }

    private static StoreOutcome requireUid(String uid, String name) {
        if (uid.isEmpty()) {
            return StoreOutcome.refused(Status.MISSING_REQUIRED_UID, RefusalReason.MISSING_UID, "data set has no " + name);
        }
        if (!Uids.isValid(uid)) {
            return StoreOutcome.refused(Status.INVALID_UID, RefusalReason.INVALID_UID, "data set " + name + " is not a valid UID");
        }
        return null;
    }
}
