package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.DataSetLimits;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * `dicom-gateway import DIR` beside the process that owns the spool: the import never opens the spool itself (the
 * re-identification table and the spool's state in memory belong to the owner), it copies the files into the
 * owner's inbox ({@link InboxEntry}) and waits while the owner's {@link InboxWorker} stages them. Should the spool
 * lose its owner meanwhile, the import takes the spool ({@link SpoolLock}) and stages the rest itself
 * ({@link #stageHere}).
 */
public final class ImportHandoff implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final SpoolLayout layout;
    private final InboxEntry entry;
    private final LockFile lock;
    private final long handedIn;
    private final ImportSummary refusedHere;

    private ImportHandoff(SpoolLayout layout, InboxEntry entry, LockFile lock, long handedIn, ImportSummary refusedHere) {
        this.layout = layout;
        this.entry = entry;
        this.lock = lock;
        this.handedIn = handedIn;
        this.refusedHere = refusedHere;
    }

    /**
     * Copies every file below {@code folder} that passes the layout checks into a new inbox entry (0600, fsynced) and
     * hands it in. Files the checks refuse are counted, not copied. Nothing is handed in on failure.
     */
    public static ImportHandoff handIn(SpoolLayout layout, Path folder, DataSetLimits limits, DiskSpace diskSpace)
            throws IOException {
        String id = "import-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid();
        InboxEntry entry = InboxEntry.create(layout.inbox(), id);
        LockFile lock;
        try {
            lock = entry.lock(ProcessHandle.current().pid() + " dicom-gateway import since "
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        } catch (IOException | RuntimeException e) {
            entry.delete();
            throw e;
        }
        try {
            long copies = 0;
            Map<String, Long> refused = new TreeMap<>();
            for (Path file : FolderImport.regularFiles(folder)) {
                try {
                    ImportStaging.header(file, limits);
                } catch (UnreadableDataSetException e) {
                    refused.merge(ImportStaging.notDicom(e), 1L, Long::sum);
                    continue;
                }
                if (diskSpace.isLow()) {
                    throw new IOException("the spool's file system has " + diskSpace.usableBytes() + " bytes free, below "
                            + "spool.minFreeBytes=" + diskSpace.minFreeBytes() + "; nothing was handed in (free space "
                            + "or let delivery catch up, then import again)");
                }
                Path copy = entry.copyPath(++copies);
                OwnerOnly.copy(file, copy); // PHI until de-identified: 0600, whatever the source file's mode
                DurableFiles.syncFile(copy);
            }
            InboxEntry handedIn = entry.handIn();
            return new ImportHandoff(layout, handedIn, lock, copies, new ImportSummary(0, refused));
        } catch (IOException | RuntimeException e) {
            try {
                entry.delete();
            } finally {
                lock.close();
            }
            throw e;
        }
    }

    /** How many files were copied in for the owner to stage. */
    public long handedIn() {
        return handedIn;
    }

    /**
     * Waits until the owner has staged every file handed in and returns what happened to each (with the files refused
     * before copying); empty when no live process owns the spool any more (then the caller takes it and calls
     * {@link #stageHere}, or, if another process was quicker, waits again). {@code remaining} hears every ten
     * seconds how many files are still to be staged.
     */
    public Optional<ImportSummary> awaitStaged(LongConsumer remaining) throws IOException, InterruptedException {
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (!entry.isDone()) {
            if (SpoolLock.owner(layout).isEmpty()) {
                return entry.isDone() ? Optional.of(summary()) : Optional.empty();
            }
            if (System.nanoTime() > nextProgress) {
                remaining.accept(entry.remaining());
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(POLL.toMillis());
        }
        return Optional.of(summary());
    }

    /** Stages what is left of the hand-in in this process, which must have opened {@code spool} holding its lock. */
    public ImportSummary stageHere(Spool spool) throws IOException {
        if (!entry.isDone()) {
            ImportStaging staging = new ImportStaging(spool.stager(), spool.limits());
            entry.stageAll(staging::stage, () -> false);
        }
        return summary();
    }

    private ImportSummary summary() throws IOException {
        return refusedHere.plus(entry.outcomes());
    }

    /**
     * Removes the entry once it is done and lets it go. An entry not yet done stays for the spool's owner, which
     * stages it (at its next start, if need be) and removes it, since nobody waits for it any more.
     */
    @Override
    public void close() throws IOException {
        try {
            if (entry.isDone()) {
                entry.delete();
            }
        } finally {
            lock.close();
        }
    }
}
