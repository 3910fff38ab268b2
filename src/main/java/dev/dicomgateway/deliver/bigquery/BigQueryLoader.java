package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobStatistics;
import dev.dicomgateway.deliver.DeliveryException;
import dev.dicomgateway.deliver.MetadataStore.Progress;
import dev.dicomgateway.deliver.PermanentDeliveryException;
import dev.dicomgateway.deliver.TransientDeliveryException;
import dev.dicomgateway.spool.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves queued rows into BigQuery, exactly once. Each cycle (one per metadata.bigquery.loadInterval) it first
 * finishes the load in progress, if any, else gathers every queued batch into one new load:
 * <ol>
 *   <li>the load is recorded with a fresh job id before anything is sent ({@link LoadQueue#record});</li>
 *   <li>it is submitted under that id; after a crash or a lost answer the same id is looked up first, and submitted
 *       again only if BigQuery never accepted it — BigQuery refuses a second job with an id it knows;</li>
 *   <li>a load job appends all its rows or none, so a job that ends in error leaves nothing behind and its batches
 *       go into a later load under a new id; a job that ends well is recorded done before its queue files go.</li>
 * </ol>
 * Batches learn the outcome through {@link #status}: loaded, still queued, not queued (write again), or a failure
 * reported once (transient: the engine backs off; permanent: the batch moves to failed/).
 * <p>Threads: one thread runs {@link #cycle} (and {@link #purge}); delivery workers call {@link #write} and
 * {@link #status}. The state below is guarded by {@code this} and held only briefly: no network call or queue-file
 * write happens under the lock, so workers never wait for an upload.
 */
final class BigQueryLoader {
    private static final Logger LOG = LoggerFactory.getLogger(BigQueryLoader.class);
    /** BigQuery takes up to 4 GB of uncompressed JSON per file; stay far below and keep loads short. */
    private static final long MAX_LOAD_BYTES = 1L << 30;
    private static final Duration JOB_WAIT = Duration.ofMinutes(10);

    private final LoadQueue queue;
    private final BigQueryTables tables;
    private final LoadJobs jobs;
    private final String gatewayId;
    private final Clock clock;
    private final Set<String> queued = new LinkedHashSet<>();
    private final Set<String> loaded = new HashSet<>();
    private final List<LoadRecord> open = new ArrayList<>();
    /** Batches of a load BigQuery refused as invalid: each goes alone next, so one bad batch fails only itself. */
    private final Set<String> alone = new HashSet<>();
    /** The batches of the open loads (a set: every queued batch asks about itself once a second). */
    private final Set<String> loading = new HashSet<>();
    private final Map<String, DeliveryException> notices = new HashMap<>();
    private boolean tablesReady;

    BigQueryLoader(LoadQueue queue, BigQueryTables tables, LoadJobs jobs, String gatewayId, Clock clock) {
        this.queue = queue;
        this.tables = tables;
        this.jobs = jobs;
        this.gatewayId = gatewayId;
        this.clock = clock;
    }

    /** Rebuilds the state from the files: done loads, the load in progress, queued batches. */
    synchronized void recover() throws IOException {
        for (LoadRecord record : queue.records()) {
            switch (record.state()) {
                case LoadRecord.DONE -> loaded.addAll(record.batches());
                case LoadRecord.SUBMITTING -> {
                    open.add(record);
                    loading.addAll(record.batches());
                    LOG.info("BigQuery: resuming load job {} ({} batch(es), submitted {} time(s) before)", record.jobId(),
                            record.batches().size(), record.submissions());
                }
                default -> { } // failed: its rows were not loaded; the batches queue again when written again
            }
        }
        for (String batch : queue.queued()) {
            if (loaded.contains(batch)) {
                queue.dequeue(batch); // recorded done just before a stop
            } else if (!loading.contains(batch)) {
                queued.add(batch);
            }
        }
        if (!queued.isEmpty()) {
            LOG.info("BigQuery: {} batch(es) queued for the next load", queued.size());
        }
    }

    /** Queues the rows of a batch unless they are loaded, queued or in a load already; never twice. */
    <E extends Exception> Progress write(String batchId, DurableFiles.Content<E> ndjson) throws IOException, E {
        synchronized (this) {
            notices.remove(batchId); // written again (after `retry`): earlier failures are history
            Progress progress = current(batchId);
            if (progress != Progress.NOT_QUEUED) {
                return progress;
            }
        }
        // one worker per batch, and a batch not yet queued is in no load: the file can be written without the lock
        queue.enqueue(batchId, ndjson);
        synchronized (this) {
            queued.add(batchId);
        }
        return Progress.QUEUED;
    }

    /** Where a batch's rows are; throws once for a load that failed with them. */
    synchronized Progress status(String batchId) throws DeliveryException {
        if (loaded.contains(batchId)) {
            return Progress.STORED;
        }
        DeliveryException notice = notices.remove(batchId);
        if (notice instanceof PermanentDeliveryException permanent) {
            throw permanent;
        } else if (notice instanceof TransientDeliveryException transientFailure) {
            throw transientFailure;
        }
        return current(batchId);
    }

    private Progress current(String batchId) {
        if (loaded.contains(batchId)) {
            return Progress.STORED;
        }
        return loading.contains(batchId) || queued.contains(batchId) ? Progress.QUEUED : Progress.NOT_QUEUED;
    }

    /** One cycle (on the loader's thread): make sure the table exists, finish open loads, then load what is queued. */
    void cycle() {
        try {
            if (!tablesReady) {
                tables.ensure().forEach(line -> LOG.info("BigQuery: {}", line));
                tablesReady = true;
            }
            for (LoadRecord load = firstOpen(); load != null; load = firstOpen()) {
                if (!finish(load)) {
                    return; // still running: look again next cycle
                }
            }
            LoadRecord load = nextLoad();
            if (load != null) {
                finish(load);
            }
        } catch (DeliveryException e) {
            failQueuedOrOpen(e);
        } catch (IOException | RuntimeException e) {
            LOG.error("BigQuery load cycle failed; trying again next cycle", e);
        }
    }

    private synchronized LoadRecord firstOpen() {
        return open.isEmpty() ? null : open.get(0);
    }

    /** Records a new load of the queued batches (oldest first, up to MAX_LOAD_BYTES) before anything is sent. */
    private LoadRecord nextLoad() throws IOException {
        List<String> candidates;
        synchronized (this) {
            candidates = List.copyOf(queued);
        }
        if (candidates.isEmpty()) {
            return null;
        }
        List<String> batches = new ArrayList<>();
        long bytes = 0;
        long rows = 0;
        for (String batch : candidates) {
            long size = queue.size(batch);
            if (!batches.isEmpty() && (bytes + size > MAX_LOAD_BYTES || alone.contains(batch))) {
                break;
            }
            batches.add(batch);
            bytes += size;
            rows += lines(queue.rowsOf(batch));
            if (alone.contains(batch)) {
                break;
            }
        }
        LoadRecord load = new LoadRecord(newJobId(), List.copyOf(batches), rows, bytes, LoadRecord.SUBMITTING, 0,
                clock.instant().toString(), null, null);
        queue.record(load);
        synchronized (this) {
            queued.removeAll(batches);
            open.add(load);
            loading.addAll(batches);
        }
        return load;
    }

    /** Takes one load to its end if it can; false while BigQuery is still running it. */
    private boolean finish(LoadRecord load) throws IOException, DeliveryException {
        Job job;
        boolean submitting = false;
        try {
            job = load.submissions() == 0 ? null : jobs.get(load.jobId());
            if (job == null) {
                LoadRecord counted = load.submitted();
                queue.record(counted); // counted before sending: a restart then asks BigQuery first
                replace(load, counted);
                load = counted;
                List<Path> files = load.batches().stream().map(queue::rowsOf).toList();
                LOG.info("BigQuery: submitting load job {} ({} batch(es), {} rows, {} bytes)", load.jobId(),
                        load.batches().size(), load.rows(), load.bytes());
                submitting = true;
                job = jobs.submit(load.jobId(), files);
                submitting = false;
            }
            job = awaitDone(job);
        } catch (BigQueryException e) {
            if (e.getCode() == 404) {
                tablesReady = false; // the dataset or table may have gone: check them again next cycle
                throw new TransientDeliveryException("BigQuery answered 404 (not found) while loading: " + e.getMessage()
                        + "; checking dataset and table again", e);
            }
            DeliveryException failure = BigQueryErrors.classify(e, tables.table(), "loading into");
            if (failure instanceof PermanentDeliveryException && submitting) {
                // refused at submission, after BigQuery said it knows no job with this id: nothing was loaded
                LOG.error("{}", failure.getMessage());
                endWithoutRows(load, failure);
                return true;
            }
            throw failure;
        }
        if (job == null || !job.isDone()) {
            return false;
        }
        if (job.getStatus().getError() != null) {
            boolean tableGone = "notFound".equals(job.getStatus().getError().getReason());
            if (tableGone) {
                tablesReady = false; // someone deleted the table or dataset: create it again next cycle
            }
            DeliveryException failure = tableGone
                    ? new TransientDeliveryException("BigQuery load job " + load.jobId() + ": " + job.getStatus().getError()
                            .getMessage() + "; creating the dataset and table again", null)
                    : BigQueryErrors.classify(job.getStatus().getError(), tables.table(), load.jobId());
            if ("invalid".equals(job.getStatus().getError().getReason()) && load.batches().size() > 1) {
                // one batch's rows can spoil a coalesced load: load each alone, so only that batch fails
                LOG.warn("{}; loading its {} batches one by one to find the one refused", failure.getMessage(),
                        load.batches().size());
                endWithoutRows(load, new TransientDeliveryException(failure.getMessage()
                        + "; loading each batch of that load alone", null));
                synchronized (this) {
                    alone.addAll(load.batches());
                }
                return true;
            }
            LOG.warn("{}", failure.getMessage());
            endWithoutRows(load, failure);
            return true;
        }
        String jobId = load.jobId();
        queue.record(load.ended(LoadRecord.DONE, clock.instant().toString(), null)); // durable before anything else
        synchronized (this) { // in one step, so no batch is ever seen as neither in a load nor loaded
            open.removeIf(r -> r.jobId().equals(jobId));
            loading.removeAll(load.batches());
            loaded.addAll(load.batches());
            alone.removeAll(load.batches());
        }
        for (String batch : load.batches()) {
            queue.dequeue(batch);
        }
        long output = job.getStatistics() instanceof JobStatistics.LoadStatistics statistics
                && statistics.getOutputRows() != null ? statistics.getOutputRows() : -1;
        if (output != load.rows()) {
            LOG.error("BigQuery load job {} reports {} rows, the gateway sent {}", load.jobId(), output, load.rows());
        }
        LOG.info("BigQuery: load job {} done: {} rows of {} batch(es)", load.jobId(), load.rows(), load.batches().size());
        return true;
    }

    private Job awaitDone(Job job) {
        Instant deadline = clock.instant().plus(JOB_WAIT);
        Job current = job;
        long pause = 100;
        while (current != null && !current.isDone() && clock.instant().isBefore(deadline)) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
            pause = Math.min(pause * 2, 2_000);
            current = jobs.get(current.getJobId().getJob());
        }
        return current;
    }

    /**
     * A load that appended nothing (loads are atomic). Transient: its batches go into the next load. Permanent: their
     * queue files go first (so a batch written again after `retry` is never deleted by mistake), then each batch is
     * told once and moves to failed/.
     */
    private void endWithoutRows(LoadRecord load, DeliveryException failure) throws IOException {
        queue.record(load.ended(LoadRecord.FAILED, clock.instant().toString(), failure.getMessage()));
        boolean again = failure instanceof TransientDeliveryException;
        if (!again) {
            for (String batch : load.batches()) {
                queue.dequeue(batch);
            }
        }
        synchronized (this) {
            open.removeIf(r -> r.jobId().equals(load.jobId()));
            loading.removeAll(load.batches());
            if (again) {
                queued.addAll(load.batches());
            } else {
                alone.removeAll(load.batches());
            }
            load.batches().forEach(batch -> notices.put(batch, failure));
        }
    }

    private synchronized void replace(LoadRecord before, LoadRecord after) {
        open.replaceAll(r -> r.jobId().equals(before.jobId()) ? after : r);
    }

    /**
     * A failure before or outside a finished job. Permanent ones are reported to every waiting batch (they move to
     * failed/ and come back with `retry`); the open load stays recorded until BigQuery can say what became of it.
     */
    private void failQueuedOrOpen(DeliveryException failure) {
        List<String> dropped = new ArrayList<>();
        List<String> queuedNow;
        List<String> waiting;
        synchronized (this) {
            queuedNow = List.copyOf(queued);
            waiting = new ArrayList<>(queued);
            waiting.addAll(loading);
        }
        if (failure instanceof PermanentDeliveryException) {
            LOG.error("{}", failure.getMessage());
            for (String batch : queuedNow) { // files first, as in endWithoutRows; open loads keep theirs
                try {
                    queue.dequeue(batch);
                    dropped.add(batch);
                } catch (IOException e) {
                    LOG.error("cannot remove the queued rows of batch {}", batch, e);
                }
            }
        } else {
            LOG.warn("{}; trying again next cycle", failure.getMessage());
        }
        synchronized (this) {
            waiting.forEach(batch -> notices.put(batch, failure));
            queued.removeAll(dropped);
        }
    }

    /** Forgets finished loads none of whose batches is still in the spool (their outcome can no longer be asked). */
    void purge(Duration olderThan, Predicate<String> batchStillInSpool) throws IOException {
        Instant cutoff = clock.instant().minus(olderThan);
        for (LoadRecord record : queue.records()) {
            if (!record.state().equals(LoadRecord.SUBMITTING) && record.finishedAt() != null
                    && Instant.parse(record.finishedAt()).isBefore(cutoff)
                    && record.batches().stream().noneMatch(batchStillInSpool)) {
                queue.forget(record);
                if (record.state().equals(LoadRecord.DONE)) {
                    synchronized (this) {
                        loaded.removeAll(record.batches());
                    }
                }
            }
        }
    }

    private String newJobId() {
        String gateway = gatewayId.replaceAll("[^A-Za-z0-9_-]", "_");
        String time = clock.instant().toString().replaceAll("[^0-9]", "");
        return "dicom_gateway_" + gateway + "_" + time + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static long lines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }
}
