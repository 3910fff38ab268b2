package dev.dicomgateway.spool;

import dev.dicomgateway.receive.StoreOutcome;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool owner's side of `import` beside a running gateway: one thread of its own (an import of 100,000 files
 * never holds up sealing or delivery) that stages what imports hand in to {@code inbox/} through the same checks and
 * stager as a received instance, one file at a time, each deleted only once its outcome is recorded and the
 * instance is durable in incoming/. It waits while the spool refuses instances (disk low, spool full), resumes an
 * entry cut short by a stop, and removes entries whose import is gone — never those of a live one.
 */
public final class InboxWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InboxWorker.class);
    private static final long IDLE_MILLIS = 500;
    private static final long ROOM_POLL_MILLIS = 1000;
    /** I/O failures of one file (its entry is tried again each time) before it is skipped with the reason. */
    private static final int MAX_IO_FAILURES = 3;

    private final SpoolLayout layout;
    private final ImportStaging staging;
    private final Thread thread;
    private final Object wake = new Object();
    private final Map<Path, Integer> ioFailures = new HashMap<>();
    private volatile boolean closed;

    private InboxWorker(Spool spool) {
        this.layout = spool.layout();
        this.staging = new ImportStaging(spool.stager(), spool.limits());
        this.thread = new Thread(this::run, "import-inbox");
        this.thread.setDaemon(true);
    }

    /** Starts working on {@code spool}'s inbox; the caller owns the spool ({@link SpoolLock}). */
    public static InboxWorker start(Spool spool) {
        InboxWorker worker = new InboxWorker(spool);
        worker.thread.start();
        return worker;
    }

    private void run() {
        while (!closed) {
            try {
                cycle();
            } catch (Throwable e) { // the inbox must keep being worked on
                LOG.error("cannot work on the import inbox {}; trying again shortly: {}", layout.inbox(), FatalErrors.describe(e));
                LOG.debug("import inbox failure", e);
                FatalErrors.rethrowIfFatal(e);
            }
            pause(IDLE_MILLIS);
        }
    }

    /** One look at the inbox: removes what imports that are gone left behind, stages what was handed in. */
    private void cycle() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(layout.inbox(), Files::isDirectory)) {
            listing.forEach(entries::add);
        }
        entries.sort(null);
        for (Path directory : entries) {
            if (closed) {
                return;
            }
            InboxEntry entry = new InboxEntry(directory);
            try {
                if (!entry.isHandedIn() || entry.isDone()) {
                    removeIfAbandoned(entry);
                } else {
                    stage(entry);
                }
            } catch (IOException e) {
                LOG.warn("import {}: {}; trying again shortly", entry.id(), FatalErrors.describe(e));
            }
        }
    }

    private void removeIfAbandoned(InboxEntry entry) throws IOException {
        boolean handedIn = entry.isHandedIn();
        if (entry.removeIfAbandoned()) {
            LOG.info(handedIn ? "removed import {} from the inbox: staged, and its import process is gone"
                    : "removed import {} from the inbox: its process stopped before handing it in, nothing of it was staged",
                    entry.id());
        }
    }

    private void stage(InboxEntry entry) throws IOException {
        LOG.info("import {}: staging {} file(s) handed in", entry.id(), entry.remaining());
        if (entry.stageAll(this::stageOne, this::stopBeforeNextFile)) {
            ImportSummary summary = entry.outcomes();
            LOG.info("import {} staged: {} instance(s), {} skipped", entry.id(), summary.staged(),
                    summary.skipped().values().stream().mapToLong(Long::longValue).sum());
        }
    }

    /** Stages one handed-in file; empty when staged, else why not. A bug skips the file (once), never the worker. */
    private Optional<String> stageOne(Path file) throws IOException {
        try {
            Optional<String> skipped = staging.stage(file);
            ioFailures.remove(file);
            return skipped;
        } catch (IOException e) {
            if (ioFailures.merge(file, 1, Integer::sum) < MAX_IO_FAILURES) {
                throw e; // the entry is tried again at the next cycle
            }
            ioFailures.remove(file);
            return Optional.of("cannot be staged: " + FatalErrors.describe(e));
        } catch (Throwable e) {
            FatalErrors.rethrowIfFatal(e);
            LOG.error("import file {} cannot be staged", file.getFileName(), e);
            return Optional.of("cannot be staged: " + FatalErrors.describe(e));
        }
    }

    /**
     * Before each file: waits while the spool refuses new instances (its disk below spool.minFreeBytes, or
     * spool.maxBytes reached: delivery makes room); true once the worker is closing.
     */
    private boolean stopBeforeNextFile() {
        StoreOutcome refusal = staging.admit();
        if (refusal != null && !closed) {
            LOG.warn("import inbox paused: {} ({}); it resumes when delivery has made room", refusal.reason().label(), refusal.comment());
            while (refusal != null && !closed) {
                pause(ROOM_POLL_MILLIS);
                refusal = staging.admit();
            }
        }
        return closed;
    }

    private void pause(long millis) {
        synchronized (wake) {
            if (closed) {
                return;
            }
            try {
                wake.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    /** Stops after the file being staged (waiting up to a minute for it); the rest stays for the next start. */
    @Override
    public void close() {
        synchronized (wake) {
            closed = true;
            wake.notifyAll();
        }
        try {
            thread.join(60_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
