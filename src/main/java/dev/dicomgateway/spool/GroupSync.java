package dev.dicomgateway.spool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for directory syncs: associations that rename into the same directory at the same moment share one
 * fsync of it. A caller is covered only by a sync that <em>started after</em> its call (so after its rename): one that
 * arrives while a sync is running waits for it and then for the next, which the first waiter starts on behalf of all
 * who arrived meanwhile. No caller returns before a sync covering its own rename has succeeded; a failed sync
 * throws in the caller that ran it, and the others try again themselves.
 */
final class GroupSync {
    /** The syncing itself (an fsync of the directory); a test counts and holds it. */
    interface Force {
        void force(Path directory) throws IOException;
    }

    private static final class State {
        long requested;
        long completed;
        boolean running;
        int users;
    }

    private final ConcurrentHashMap<Path, State> states = new ConcurrentHashMap<>();
    private final Force force;

    GroupSync(Force force) {
        this.force = force;
    }

    /** Returns once a sync of {@code directory} that started after this call has succeeded. */
    void sync(Path directory) throws IOException {
        State state = states.compute(directory, (key, existing) -> {
            State s = existing == null ? new State() : existing;
            s.users++;
            return s;
        });
        try {
            long covers;
            synchronized (state) {
                long ticket = ++state.requested;
                while (true) {
                    if (state.completed >= ticket) {
                        return;
                    }
                    if (!state.running) {
                        state.running = true;
                        covers = state.requested; // everyone who asked so far renamed before asking
                        break;
                    }
                    try {
                        state.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for a sync of " + directory);
                    }
                }
            }
            boolean synced = false;
            try {
                force.force(directory);
                synced = true;
            } finally {
                synchronized (state) {
                    state.running = false;
                    if (synced) {
                        state.completed = Math.max(state.completed, covers);
                    }
                    state.notifyAll();
                }
            }
        } finally {
            states.computeIfPresent(directory, (key, s) -> --s.users == 0 ? null : s);
        }
    }

    /** Directories with a sync running or waited for (none when idle: nothing is kept per directory). */
    int active() {
        return states.size();
    }
}
