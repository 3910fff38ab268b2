package dev.dicomgateway.receive;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a socket when a piece of work on it outlasts its deadline. Socket writes have no timeout of their own, and a
 * read timeout restarts with every byte: a peer that stops reading, or drips, would hold the Storage Commitment
 * reporter (one thread for every requester) for good. Closing the socket fails the blocked write or read at once.
 */
final class SocketWatchdog implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "socket-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final ScheduledFuture<?> closing;

    private SocketWatchdog(ScheduledFuture<?> closing) {
        this.closing = closing;
    }

    /** Closes {@code socket} after {@code deadline} unless the returned watchdog is closed first. */
    static SocketWatchdog guard(Socket socket, Duration deadline) {
        return new SocketWatchdog(TIMER.schedule(() -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        closing.cancel(false);
    }
}
