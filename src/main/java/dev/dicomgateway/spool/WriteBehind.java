package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts writing a large file's data to disk while it is still arriving: every {@link #CHUNK} written, one background
 * thread syncs what is there (fdatasync), so the fsync before the acknowledgement finds little left to write and the
 * disk works while the network does. Only an optimisation: a request that finds the queue full is dropped, a failure
 * is ignored, and the durable sync of {@link StagedFile#complete()} comes regardless.
 */
final class WriteBehind {
    static final long CHUNK = 8L << 20;
    private static final int QUEUE = 32;

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "write-behind");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());

    WriteBehind() {
        executor.allowCoreThreadTimeOut(true);
    }

    void start(FileChannel channel) {
        executor.execute(() -> {
            try {
                if (channel.isOpen()) {
                    channel.force(false);
                }
            } catch (IOException | RuntimeException ignored) {
                // closed meanwhile, or a disk error the final fsync reports to the sender
            }
        });
    }
}
