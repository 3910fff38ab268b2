package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Group commit never answers early: callers that arrive while a sync runs are not covered by it — they share the
 * next one (one fsync for all of them, not one each) — and a failed sync covers nobody.
 */
class GroupSyncTest {
    private static final Path DIRECTORY = Path.of("/spool/incoming/series");

    @Test
    void callersArrivingDuringASyncShareTheNextOneAndNoneReturnsBeforeIt() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupSync sync = new GroupSync(directory -> {
            if (forces.incrementAndGet() == 1) {
                firstRunning.countDown();
                await(releaseFirst);
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Future<?> first = threads.submit(() -> call(sync));
            assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                later.add(threads.submit(() -> call(sync)));
            }
            Thread.sleep(200); // the three are waiting: the running sync started before their renames
            for (Future<?> waiting : later) {
                assertFalse(waiting.isDone(), "returned while the sync that began before its call was held: answered early, "
                        + "or synced alone instead of sharing the next sync");
            }
            releaseFirst.countDown();
            first.get(5, TimeUnit.SECONDS);
            for (Future<?> waiting : later) {
                waiting.get(5, TimeUnit.SECONDS);
            }
            assertEquals(2, forces.get(), "the three that waited share one sync");
            assertEquals(0, sync.active(), "nothing kept per directory when idle");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFailedSyncCoversNobodyAndTheCallerThatRanItSeesTheError() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        GroupSync sync = new GroupSync(directory -> {
            if (forces.incrementAndGet() == 1) {
                throw new IOException("EIO");
            }
        });
        assertThrows(IOException.class, () -> sync.sync(DIRECTORY));
        sync.sync(DIRECTORY);
        assertEquals(2, forces.get());
    }

    private static Void call(GroupSync sync) throws IOException {
        sync.sync(DIRECTORY);
        return null;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
