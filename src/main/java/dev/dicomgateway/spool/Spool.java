package dev.dicomgateway.spool;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * The staging area as one unit: the stager the receive stage writes into, the tracker that knows which studies are
 * open, the sealer that turns complete studies into batches, and the usage counter behind back-pressure.
 */
public final class Spool {
    private final SpoolLayout layout;
    private final InstanceStager stager;
    private final StudySealer sealer;
    private final StudyCompletionTracker tracker;
    private final SpoolUsage usage;

    private Spool(SpoolLayout layout, InstanceStager stager, StudySealer sealer, StudyCompletionTracker tracker,
                  SpoolUsage usage) {
        this.layout = layout;
        this.stager = stager;
        this.sealer = sealer;
        this.tracker = tracker;
        this.usage = usage;
    }

    /** Opens the spool on {@code layout} (created and swept by the caller) and rebuilds its state from the disk. */
    public static Spool open(GatewayConfig config, SpoolLayout layout, DiskSpace diskSpace, Deidentifier deidentifier,
                             MeterRegistry registry, Clock clock) throws IOException {
        StudyCompletionTracker tracker = new StudyCompletionTracker(config.study().stableAfter(), config.study().maxOpen());
        StudyLocks locks = new StudyLocks();
        SpoolUsage usage = new SpoolUsage();
        InstanceStager stager = new InstanceStager(layout, config.collection(), diskSpace, deidentifier, registry, clock,
                tracker, locks, usage, config.spool().maxBytes());
        StudySealer sealer = new StudySealer(layout, tracker, locks, clock, usage, registry);
        sealer.recover(); // also counts the spool's bytes, in the same walk
        Gauge.builder("dicom.gateway.spool.bytes", usage, SpoolUsage::bytes)
                .description("Bytes of undelivered data in the spool (open studies, batches, failed batches)").register(registry);
        Gauge.builder("dicom.gateway.studies.open", tracker, t -> t.openStudies().size())
                .description("Studies receiving instances, not yet sealed").register(registry);
        return new Spool(layout, stager, sealer, tracker, usage);
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

    public SpoolUsage usage() {
        return usage;
    }
}
