package dev.dicomgateway.spool;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.dicom.DataSetLimits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging area as one unit: the stager the receive stage writes into, the tracker that knows which studies are
 * open, the sealer that turns complete studies into batches, the usage counter behind back-pressure, the
 * quarantine of instances held for review, the index of what was sealed and delivered, and the reserve of disk
 * space only delivery may use.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private final SpoolLayout layout;
    private final InstanceStager stager;
    private final StudySealer sealer;
    private final StudyCompletionTracker tracker;
    private final SpoolUsage usage;
    private final DataSetLimits limits;
    private final Quarantine quarantine;
    private final DeliveredInstanceIndex index;
    private final DeliveryReserve reserve;
    private StudyLocks locks;

    private Spool(SpoolLayout layout, InstanceStager stager, StudySealer sealer, StudyCompletionTracker tracker,
                  SpoolUsage usage, DataSetLimits limits, Quarantine quarantine, DeliveredInstanceIndex index,
                  DeliveryReserve reserve) {
        this.index = index;
        this.layout = layout;
        this.stager = stager;
        this.sealer = sealer;
        this.tracker = tracker;
        this.usage = usage;
        this.limits = limits;
        this.quarantine = quarantine;
        this.reserve = reserve;
    }

    /** Opens the spool on {@code layout} (created and swept by the caller) and rebuilds its state from the disk. */
    public static Spool open(GatewayConfig config, SpoolLayout layout, DiskSpace diskSpace, Deidentifier deidentifier,
                             MeterRegistry registry, Clock clock) throws IOException {
        StudyCompletionTracker tracker = new StudyCompletionTracker(config.study().stableAfter(), config.study().maxOpen());
        StudyLocks locks = new StudyLocks();
        SpoolUsage usage = new SpoolUsage();
        Quarantine quarantine = new Quarantine(layout, clock);
        quarantine.recount();
        DeliveryReserve reserve = new DeliveryReserve(layout, diskSpace, config.spool().reserveBytes());
        boolean newIndex = !Files.exists(layout.instanceIndex()) || Files.size(layout.instanceIndex()) == 0;
        DeliveredInstanceIndex index = DeliveredInstanceIndex.open(layout.instanceIndex());
        if (newIndex && sealedBefore(layout)) {
            LOG.warn("the delivered-instance index {} is new in a spool that sealed studies before: what was sealed or "
                    + "delivered earlier is not in it, so an instance of then sent again is delivered once more "
                    + "(expected at the first start after an upgrade; otherwise the file was lost: with the gateway "
                    + "stopped, restore it from a backup)", layout.instanceIndex());
        }
        InstanceStager stager = new InstanceStager(layout, config.collection(), diskSpace, reserve, deidentifier, registry,
                clock, tracker, locks, usage, config.spool().maxBytes(), limits(config.dicom()), quarantine, index);
        StudySealer sealer = new StudySealer(layout, tracker, locks, clock, usage, registry, index);
        try {
            sealer.recover(); // also counts the spool's bytes, in the same walk
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
        Gauge.builder("dicom.gateway.spool.bytes", usage, SpoolUsage::bytes)
                .description("Bytes of undelivered data in the spool (open studies, batches, failed batches)").register(registry);
        Gauge.builder("dicom.gateway.studies.open", tracker, t -> t.openStudies().size())
                .description("Studies receiving instances, not yet sealed").register(registry);
        Gauge.builder("dicom.gateway.quarantine.instances", quarantine, Quarantine::instances)
                .description("Instances held in quarantine for review (counted at start-up, kept up to date by the "
                        + "stager, recounted every minute)").register(registry);
        Gauge.builder("dicom.gateway.quarantine.bytes", quarantine, Quarantine::bytes)
                .description("Bytes held in quarantine for review").register(registry);
        Gauge.builder("dicom.gateway.spool.reserve.bytes", reserve, DeliveryReserve::heldBytes)
                .description("Bytes of the spool file system held for delivery (spool.reserveBytes); 0 while the file "
                        + "system is full and delivery uses them").register(registry);
        Spool spool = new Spool(layout, stager, sealer, tracker, usage, limits(config.dicom()), quarantine, index, reserve);
        spool.locks = locks;
        return spool;
    }

    /** Whether any study was ever sealed here: a part counter exists (one look, not a walk). */
    private static boolean sealedBefore(SpoolLayout layout) throws IOException {
        if (!Files.isDirectory(layout.partNumbers())) {
            return false;
        }
        try (Stream<Path> counters = Files.list(layout.partNumbers())) {
            return counters.findAny().isPresent();
        }
    }

    /** The limits every instance is checked against before it is parsed (the dicom.max* keys). */
    public static DataSetLimits limits(GatewayConfig.Dicom dicom) {
        return new DataSetLimits(dicom.maxSequenceDepth(), dicom.maxHeaderBytes(), dicom.maxValuesPerElement());
    }

    /** The limits this spool's instances are checked against. */
    public DataSetLimits limits() {
        return limits;
    }

    public SpoolLayout layout() {
        return layout;
    }

    public InstanceStager stager() {
        return stager;
    }

    public StudySealer sealer() {
        return sealer;
    }

    public StudyCompletionTracker tracker() {
        return tracker;
    }

    /** The quarantine area: its gauges' counts, release and purge. */
    public Quarantine quarantine() {
        return quarantine;
    }

    public SpoolUsage usage() {
        return usage;
    }

    /** What was sealed and delivered, by SOP Instance UID: the delivery stage records deliveries in it. */
    public DeliveredInstanceIndex index() {
        return index;
    }

    /** Studies holding a lock right now: the open ones, and those being staged into or sealed (tests check eviction). */
    int lockedStudies() {
        return locks.size();
    }

    /** The room only delivery may use; opened and kept by the process that delivers. */
    public DeliveryReserve reserve() {
        return reserve;
    }

    @Override
    public void close() {
        index.close();
    }
}
