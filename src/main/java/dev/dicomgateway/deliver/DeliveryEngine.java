package dev.dicomgateway.deliver;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.receive.FileSystemFull;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.spool.DurableFiles;
import dev.dicomgateway.spool.FatalErrors;
import dev.dicomgateway.spool.Spool;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.spool.SpoolUsage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background worker: every tick it seals complete studies, finds batches ready for their next attempt and hands
 * them to deliver.workers threads, which take each batch through its steps. Transient failures are retried with
 * backoff (forever by default), permanent ones move the batch to failed/. Only after the metadata step does a batch
 * give up its files (after spool.keepDelivered) and leave its manifest in delivered/.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final Duration DEFAULT_TICK = Duration.ofMillis(250);
    private static final Duration QUEUED_POLL = Duration.ofSeconds(1);
    /** How long a stop waits for the tick, then for the workers' current steps, before interrupting them. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /** A tick that has not completed for this long means the scheduler is stuck or gone: /readyz says so. */
    private static final Duration STALLED_AFTER = Duration.ofSeconds(60);
    /** Unexpected exceptions (bugs, not outages) in one batch's steps before it goes to failed/. */
    static final int MAX_UNEXPECTED_FAILURES = 5;

    private final GatewayConfig config;
    private final Spool spool;
    private final SpoolLayout layout;
    private final Destinations destinations;
    private final BatchDelivery delivery;
    private final RetrySchedule retries;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final DestinationHealth health;
    private final Map<String, BatchManifest> pending = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** When each pending batch not in flight is tried next: a tick looks only at the ones due. */
    private final DeliverySchedule schedule = new DeliverySchedule();
    /** batches/ and failed/ are listed again only when their entries may have changed (a seal, a `retry`, a move). */
    private final DirectoryChanges batchesChanges;
    private final DirectoryChanges failedChanges;
    /** Batch directories listed without a manifest (a seal in progress): looked at again each tick until they have one. */
    private final Set<String> withoutManifest = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    /** Set by {@link #close}: workers end their batch after the step in progress, queued batches do nothing. */
    private volatile boolean stopping;
    private final ExecutorService workers;
    private final Duration tick;
    private volatile long failedCount;
    /** Bytes under failed/, recounted when its number of batches changes. */
    private volatile long failedBytes;
    private long failedBytesCountedFor = -1;
    private volatile long lastTickNanos = System.nanoTime();
    private volatile String fatalError;
    private Instant lastPurge = Instant.EPOCH;

    public DeliveryEngine(GatewayConfig config, Spool spool, Destinations destinations, Clock clock, MeterRegistry registry) {
        this(config, spool, destinations, clock, registry, DEFAULT_TICK, RandomGenerator.getDefault());
    }

    /**
     * With the scheduler's period between ticks and the source of the retry jitter chosen by the caller: a test
     * passes its own clock and jitter, never calls {@link #start}, and ticks with {@link #runOnce}.
     */
    DeliveryEngine(GatewayConfig config, Spool spool, Destinations destinations, Clock clock, MeterRegistry registry,
                   Duration tick, RandomGenerator jitter) {
        this.config = config;
        this.spool = spool;
        this.layout = spool.layout();
        this.batchesChanges = new DirectoryChanges(layout.batches());
        this.failedChanges = new DirectoryChanges(layout.failed());
        this.destinations = destinations;
        this.delivery = new BatchDelivery(config, destinations);
        this.retries = new RetrySchedule(config.retry().initialDelay(), config.retry().maxDelay(), config.retry().maxAttempts(),
                jitter);
        this.clock = clock;
        this.tick = tick;
        this.metrics = new DeliveryMetrics(registry, this::batchesByState, this::batchBytesByState,
                this::oldestUndeliveredSeconds);
        this.health = new DestinationHealth(clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("deliver-scheduler"));
        this.workers = Executors.newFixedThreadPool(config.deliverWorkers(), daemon("deliver-worker"));
    }

    public void start() throws IOException {
        open();
        scheduler.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the destinations and picks up what the spool holds, without the scheduler: only {@link #runOnce} ticks. */
    void open() throws IOException {
        destinations.objects().start();
        destinations.metadata().start();
        spool.reserve().open();
        emptyTrash();
        purgeOldManifests();
        spool.quarantine().maintain(config.deidentify().quarantineRetention());
        scan();
        lastTickNanos = System.nanoTime();
    }

    /**
     * Why the engine is not working, if it is not: stopped, stopped by an error of the virtual machine, or a tick
     * that has not completed for a minute. /readyz reports it.
     */
    /** Each destination's last success and last error since the start (the operator console shows them). */
    public DestinationHealth health() {
        return health;
    }

    public Optional<String> problem() {
        if (fatalError != null) {
            return Optional.of("delivery stopped: " + fatalError);
        }
        if (scheduler.isShutdown()) {
            return Optional.of("delivery stopped");
        }
        long idleSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastTickNanos);
        if (idleSeconds > STALLED_AFTER.toSeconds()) {
            return Optional.of("delivery scheduler has not completed a cycle for " + idleSeconds + " s");
        }
        return Optional.empty();
    }

    /** The scheduler's tick: batches go to the deliver.workers threads. */
    private void tick() {
        try {
            tick(workers);
        } catch (Throwable e) { // an exception escaping here would silently cancel every later tick
            LOG.error("delivery tick failed; retrying at the next tick: {}", FatalErrors.describe(e));
            LOG.debug("delivery tick failure", e);
            recordIfFatal(e);
        }
    }

    /**
     * One tick on the calling thread, for tests that drive the engine with their own clock (after {@link #open}, never
     * beside {@link #start}): seals, scans, and takes the batches due now (up to deliver.workers, as a scheduled tick
     * does) through their steps before it returns.
     */
    void runOnce() throws IOException {
        tick(Runnable::run);
    }

    /** Seals complete studies, picks up new batches and hands those due now (up to deliver.workers) to {@code executor}. */
    private void tick(Executor executor) throws IOException {
        if (Duration.between(lastPurge, clock.instant()).toHours() >= 1) {
            purgeOldManifests();
        }
        maintainQuarantine();
        spool.reserve().maintain(); // before sealing: a seal on a full disk needs the reserve's room too
        spool.sealer().sealCompleteStudies();
        scan();
        for (String batchId : schedule.take(clock.instant(), Math.max(0, config.deliverWorkers() - inFlight.size()))) {
            inFlight.add(batchId);
            executor.execute(() -> deliver(batchId));
        }
        lastTickNanos = System.nanoTime();
    }

    /** Recounts the quarantine's gauges each minute and applies deidentify.quarantine.retention hourly; its trouble never stops delivery. */
    private void maintainQuarantine() {
        try {
            spool.quarantine().maintain(config.deidentify().quarantineRetention());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot recount or purge the quarantine in {}; trying again at the next tick: {}", layout.quarantine(),
                    FatalErrors.describe(e));
        }
    }

    private void recordIfFatal(Throwable e) {
        try {
            FatalErrors.rethrowIfFatal(e);
        } catch (VirtualMachineError fatal) {
            fatalError = FatalErrors.describe(fatal);
            throw fatal;
        }
    }

    /**
     * Picks up batches this process has not seen: sealed ones, recovered ones, ones put back by `retry`. Its work is
     * proportional to what changed: batches/ is listed only when its entries may have changed, and only a batch not
     * seen before has its manifest read.
     */
    private void scan() throws IOException {
        if (batchesChanges.changed()) {
            try (DirectoryStream<Path> batches = Files.newDirectoryStream(layout.batches())) {
                for (Path batch : batches) {
                    String id = batch.getFileName().toString();
                    if (!pending.containsKey(id)) {
                        withoutManifest.add(id);
                    }
                }
            }
        }
        for (String id : withoutManifest) {
            pickUp(id);
        }
        if (failedChanges.changed()) {
            try (Stream<Path> failed = Files.list(layout.failed())) {
                failedCount = failed.count();
            }
        }
        if (failedCount != failedBytesCountedFor) {
            failedBytesCountedFor = failedCount;
            failedBytes = SpoolUsage.bytesUnder(layout.failed());
        }
    }

    /** Reads the manifest of a batch not seen before and schedules it; one still without a manifest is looked at again. */
    private void pickUp(String id) {
        Path batch = layout.batches().resolve(id);
        Path manifestFile = batch.resolve(BatchManifest.FILE_NAME);
        if (pending.containsKey(id) || !Files.isDirectory(batch)) {
            withoutManifest.remove(id); // known, or gone (a seal set it aside)
            return;
        }
        if (!Files.exists(manifestFile)) {
            return;
        }
        withoutManifest.remove(id);
        BatchManifest manifest;
        try {
            manifest = BatchManifest.read(manifestFile);
        } catch (IOException | RuntimeException e) {
            spool.sealer().setAside(batch, "its manifest cannot be read: " + FatalErrors.describe(e));
            return;
        }
        pending.put(id, manifest);
        reschedule(manifest);
        if (manifest.state != BatchState.SEALED || Files.exists(batch.resolve(BatchDelivery.PACKAGE + ".part"))) {
            LOG.info("resuming batch {} at {} (attempt {})", id, manifest.state, manifest.attempts + 1);
        }
    }

    /** Puts a pending batch not in flight into the schedule at its manifest's next attempt. */
    private void reschedule(BatchManifest manifest) {
        schedule.put(manifest.batchId, manifest.nextAttemptAt == null ? null : Instant.parse(manifest.nextAttemptAt),
                Instant.parse(manifest.sealedAt));
    }

    private void deliver(String batchId) {
        Path batch = layout.batches().resolve(batchId);
        BatchManifest manifest = pending.get(batchId);
        try {
            while (manifest.state != BatchState.METADATA_STORED && manifest.state != BatchState.DONE) {
                if (stopping) {
                    return; // a stop: the step just done is durable; the next start resumes from its state
                }
                BatchState before = manifest.state;
                manifest = delivery.step(batch, manifest);
                pending.put(batchId, manifest);
                if (before == BatchState.PACKAGED) {
                    metrics.attempt(destinations.objects().type(), "success");
                    health.succeeded(destinations.objects().type());
                } else if (manifest.state == BatchState.METADATA_STORED) {
                    metrics.attempt(destinations.metadata().type(), "success");
                    health.succeeded(destinations.metadata().type());
                }
                if (manifest.state == BatchState.METADATA_QUEUED) {
                    // the rows wait for the metadata store's next load; look again soon (no attempt is counted)
                    manifest.nextAttemptAt = clock.instant().plus(QUEUED_POLL).toString();
                    return;
                }
            }
            finish(batch, manifest);
        } catch (PermanentDeliveryException e) {
            fail(batch, manifest, FatalErrors.shorten(e.getMessage()));
        } catch (IOException e) { // the spool's own disk
            if (FileSystemFull.causedBy(e) && spool.reserve().giveUp("batch " + batchId + " " + manifest.state
                    + " could not write to the spool")) {
                manifest.nextAttemptAt = null; // the reserve's room is there now: again at the next tick
                pending.put(batchId, manifest);
                LOG.warn("batch {} {} ran out of space on the spool; trying again in the room of the delivery reserve",
                        batchId, manifest.state);
                return;
            }
            transientFailure(batch, manifest, e);
        } catch (DeliveryException e) { // TransientDeliveryException: the destination's trouble, retried with backoff
            transientFailure(batch, manifest, e);
        } catch (RuntimeException e) {
            unexpectedFailure(batch, manifest, e);
        } catch (Throwable e) { // StackOverflowError and other errors from this batch's data: it would fail again
            fail(batch, manifest, "cannot be processed in state " + manifest.state + ": " + FatalErrors.describe(e));
            recordIfFatal(e);
        } finally {
            inFlight.remove(batchId); // before it is scheduled again: a tick that takes it finds it not in flight
            BatchManifest after = pending.get(batchId);
            if (after != null) { // still in batches/ (not delivered and gone, not failed): its next attempt
                reschedule(after);
            }
        }
    }

    /** A bug or a malformed staged file, not an outage: retried a few times, then failed/, never forever. */
    private void unexpectedFailure(Path batch, BatchManifest manifest, RuntimeException e) {
        manifest.unexpectedFailures++;
        if (manifest.unexpectedFailures == 1) {
            LOG.error("batch {} failed unexpectedly in state {}", manifest.batchId, manifest.state, e);
        }
        if (manifest.unexpectedFailures >= MAX_UNEXPECTED_FAILURES) {
            fail(batch, manifest, "failed unexpectedly " + manifest.unexpectedFailures + " times in state "
                    + manifest.state + ": " + FatalErrors.describe(e));
            return;
        }
        transientFailure(batch, manifest, new IOException(FatalErrors.describe(e), e));
    }

    private String destinationOf(BatchManifest manifest) {
        return manifest.state == BatchState.OBJECT_STORED || manifest.state == BatchState.METADATA_QUEUED
                ? destinations.metadata().type() : destinations.objects().type();
    }

    private void transientFailure(Path batch, BatchManifest manifest, Exception e) {
        metrics.attempt(destinationOf(manifest), "transient");
        manifest.attempts++;
        manifest.lastError = FatalErrors.shorten(e.getMessage());
        health.failed(destinationOf(manifest), manifest.lastError);
        if (retries.exhausted(manifest.attempts)) {
            fail(batch, manifest, "gave up after " + manifest.attempts + " attempts (retry.maxAttempts): " + e.getMessage());
            return;
        }
        // a queued batch's rows are retried by the metadata store's own cycle: keep asking it often, so the batch
        // finishes as soon as its load is done rather than after an outage's long backoff
        Duration delay = manifest.state == BatchState.METADATA_QUEUED ? QUEUED_POLL : retries.delayAfter(manifest.attempts);
        manifest.nextAttemptAt = clock.instant().plus(delay).toString();
        try {
            manifest.write(batch.resolve(BatchManifest.FILE_NAME));
        } catch (IOException io) {
            LOG.error("cannot record the retry of batch {}", manifest.batchId, io);
        }
        pending.put(manifest.batchId, manifest);
        LOG.warn("batch {} {} failed (attempt {}), retry in {} s: {}", manifest.batchId, manifest.state,
                manifest.attempts, delay.toSeconds(), manifest.lastError);
    }

    private void fail(Path batch, BatchManifest manifest, String reason) {
        metrics.attempt(destinationOf(manifest), "permanent");
        health.failed(destinationOf(manifest), reason);
        manifest.failedReason = reason;
        manifest.nextAttemptAt = null;
        try {
            manifest.write(batch.resolve(BatchManifest.FILE_NAME));
            Files.move(batch, layout.failed().resolve(manifest.batchId), StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(layout.failed());
            DurableFiles.syncDirectory(layout.batches());
            pending.remove(manifest.batchId);
            failedCount++;
            LOG.error("batch {} moved to {} in state {}: {} (fix the cause, then: dicom-gateway retry {})", manifest.batchId,
                    layout.failed(), manifest.state, reason, manifest.batchId);
        } catch (IOException e) {
            LOG.error("cannot move batch {} to failed/; it stays pending", manifest.batchId, e);
        }
    }

    /** Delivered: the files go (after spool.keepDelivered), the manifest moves to delivered/ for audit. */
    private void finish(Path batch, BatchManifest manifest) throws IOException {
        if (manifest.state == BatchState.METADATA_STORED) {
            recordDelivered(manifest); // before DONE is written: a stop in between repeats it
            manifest.state = BatchState.DONE;
            manifest.deliveredAt = clock.instant().toString();
            manifest.write(batch.resolve(BatchManifest.FILE_NAME));
            metrics.delivered(Duration.between(Instant.parse(manifest.sealedAt), clock.instant()), manifest.metadataRows);
            LOG.info("batch {} delivered: {} instances, {} object(s), {} metadata rows", manifest.batchId,
                    manifest.instances.size(), manifest.objects.size(), manifest.metadataRows);
        }
        Instant removeAfter = Instant.parse(manifest.deliveredAt).plus(config.spool().keepDelivered());
        if (clock.instant().isBefore(removeAfter)) {
            manifest.nextAttemptAt = removeAfter.toString();
            pending.put(manifest.batchId, manifest);
            return;
        }
        DurableFiles.writeDurably(layout.delivered().resolve(manifest.batchId + ".json"),
                Files.readAllBytes(batch.resolve(BatchManifest.FILE_NAME)));
        Path trash = layout.trash().resolve(manifest.batchId + "-" + System.nanoTime());
        Files.move(batch, trash, StandardCopyOption.ATOMIC_MOVE); // gone from batches/ in one step
        DurableFiles.syncDirectory(layout.batches());
        DurableFiles.syncDirectory(layout.trash()); // or a power cut could leave its files in no directory at all
        deleteRecursively(trash);
        spool.usage().add(-manifest.bytes());
        pending.remove(manifest.batchId);
    }

    /** Marks the batch's instances delivered in the index, so the same content sent again is not delivered again. */
    private void recordDelivered(BatchManifest manifest) throws IOException {
        java.util.List<dev.dicomgateway.spool.DeliveredInstanceIndex.Delivery> deliveries = new java.util.ArrayList<>();
        for (int i = 0; i < manifest.instances.size(); i++) {
            BatchManifest.StoredObject object = manifest.objects.size() == manifest.instances.size()
                    ? manifest.objects.get(i) : manifest.objects.get(0);
            deliveries.add(new dev.dicomgateway.spool.DeliveredInstanceIndex.Delivery(manifest.instances.get(i).sop(),
                    object.uri()));
        }
        spool.index().delivered(manifest.collection, manifest.batchId, deliveries, clock.instant());
    }

    /** Deletes what a stop left half-deleted in trash/ (delivered batches only). */
    private void emptyTrash() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.trash())) {
            for (Path leftover : leftovers) {
                deleteRecursively(leftover);
            }
        }
    }

    private void purgeOldManifests() throws IOException {
        lastPurge = clock.instant();
        Instant cutoff = clock.instant().minus(config.spool().keepManifests());
        try (DirectoryStream<Path> manifests = Files.newDirectoryStream(layout.delivered())) {
            for (Path manifest : manifests) {
                if (Files.getLastModifiedTime(manifest).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(manifest);
                }
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    Map<String, Long> batchesByState() {
        Map<String, Long> counts = new HashMap<>();
        pending.values().forEach(m -> counts.merge(m.state.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum));
        counts.put("failed", failedCount);
        return counts;
    }

    /** Bytes of the batches in the spool by state, as {@link #batchesByState} counts them. */
    Map<String, Long> batchBytesByState() {
        Map<String, Long> bytes = new HashMap<>();
        pending.values().forEach(m -> bytes.merge(m.state.name().toLowerCase(java.util.Locale.ROOT), m.bytes(), Long::sum));
        bytes.put("failed", failedBytes);
        return bytes;
    }

    double oldestUndeliveredSeconds() {
        return pending.values().stream().filter(m -> m.state != BatchState.DONE)
                .map(m -> Instant.parse(m.sealedAt)).min(Comparator.naturalOrder())
                .map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0).orElse(0.0);
    }

    /**
     * Stops without cutting a write short: no new tick starts, the tick in progress (a seal, a scan) ends, each worker
     * finishes the delivery step it is in (its file written and synced) and leaves the rest of the batch, and the
     * backlog for the next start. Waits {@link #STOP_WAIT} for each of the two, then interrupts what is left.
     */
    @Override
    public void close() {
        stopping = true;
        scheduler.shutdown(); // cancels the periodic tick; one that is running completes
        awaitOrInterrupt(scheduler, "delivery scheduler");
        workers.shutdown();
        awaitOrInterrupt(workers, "delivery workers");
        destinations.metadata().close();
    }

    private static void awaitOrInterrupt(java.util.concurrent.ExecutorService executor, String what) {
        try {
            if (!executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} still busy {} after the stop began; interrupting them (what they wrote is redone at the next start)",
                        what, STOP_WAIT);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
