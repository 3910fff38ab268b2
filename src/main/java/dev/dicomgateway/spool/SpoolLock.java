package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * One owner per spool: the process that recovers, stages, seals and delivers holds an exclusive lock on
 * {@code <spool.dir>/.lock} for its whole life, with its PID, command and start time written in it. `run` takes it
 * before it touches anything else in the spool and refuses to start without it; `import` takes it when no gateway
 * runs, and otherwise hands its files to the owner ({@link ImportHandoff}). The lock goes with the process, however
 * the process ends, so there is nothing stale to clean up.
 */
public final class SpoolLock implements AutoCloseable {
    public static final String FILE_NAME = ".lock";

    private final LockFile lock;

    private SpoolLock(LockFile lock) {
        this.lock = lock;
    }

    /**
     * Takes the spool for {@code command} ("run", "import"), or throws naming the process that has it. Asks twice,
     * a moment apart: another command (`check`, a waiting `import`) may hold the lock for an instant to see whether
     * anyone owns the spool.
     */
    public static SpoolLock acquire(SpoolLayout layout, String command) throws IOException {
        Optional<SpoolLock> lock = tryAcquire(layout, command);
        if (lock.isEmpty()) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lock = tryAcquire(layout, command);
        }
        if (lock.isEmpty()) {
            throw new SpoolInUseException(inUse(layout, owner(layout).orElse("")));
        }
        return lock.get();
    }

    /** Takes the spool for {@code command} if no live process has it. Creates spool.dir (0700) if missing. */
    public static Optional<SpoolLock> tryAcquire(SpoolLayout layout, String command) throws IOException {
        try {
            DurableFiles.createDirectories(layout.root());
        } catch (IOException e) {
            throw new IOException("cannot create spool directory " + layout.root() + ": " + e.getMessage()
                    + WriteAccess.hint(layout.root(), "spool.dir", "the service user needs write access"), e);
        }
        String holder = ProcessHandle.current().pid() + " dicom-gateway " + command + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return LockFile.tryAcquire(file(layout), holder).map(SpoolLock::new);
    }

    /** The live owner of the spool as its lock file names it ("1234 dicom-gateway run since ..."), if any. */
    public static Optional<String> owner(SpoolLayout layout) throws IOException {
        return LockFile.liveHolder(file(layout));
    }

    /** "spool /x is in use by process 1234 (dicom-gateway run since ...); stop it or use another spool.dir". */
    public static String inUse(SpoolLayout layout, String owner) {
        return "spool " + layout.root() + " is in use by " + describe(owner) + "; stop it or use another spool.dir";
    }

    /**
     * "process 1234 (dicom-gateway run since ...)" from an owner's line ({@link #owner}); "another process" for an
     * empty line (the owner is still writing it).
     */
    public static String describe(String owner) {
        String[] fields = owner.split(" ", 2);
        return fields.length == 2 && fields[0].matches("[0-9]{1,19}")
                ? "process " + fields[0] + " (" + fields[1] + ")" : "another process";
    }

    private static Path file(SpoolLayout layout) {
        return layout.root().resolve(FILE_NAME);
    }

    /** Gives the spool up (the process's end does too). */
    @Override
    public void close() throws IOException {
        lock.close();
    }
}
