package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.TestSpool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery state machine on a real spool and real local stores, ticked by the test ({@code runOnce}) with a clock
 * it moves: when a failed batch is tried again, when it is given up, when a delivered batch leaves the spool.
 * Nothing sleeps and no socket is opened.
 */
class DeliveryEngineTest {
    private static final Instant T0 = Instant.parse("2031-03-04T05:06:07Z");
    /** study.stableAfter below: a batch staged at T0 is sealed (and first tried) at SEALED. */
    private static final Instant SEALED = T0.plusSeconds(60);
    /** Jitter at the middle of its range: every wait is 3/4 of min(retry.maxDelay, retry.initialDelay * 2^(n-1)). */
    private static final RandomGenerator MIDDLE_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("the retry schedule draws doubles");
        }

        @Override
        public double nextDouble() {
            return 0.5;
        }
    };

    @TempDir
    Path work;
    private final ManualClock clock = new ManualClock(T0);

    /**
     * The object store at the edge: fails the first {@code failures} puts with a 503 (then stores in a real local
     * directory) and records the clock's time of every put.
     */
    static final class FailingStore implements ObjectStore {
        private final ObjectStore real;
        private final ManualClock clock;
        private int failuresLeft;
        final List<Instant> attempts = new CopyOnWriteArrayList<>();

        FailingStore(ObjectStore real, ManualClock clock, int failures) {
            this.real = real;
            this.clock = clock;
            this.failuresLeft = failures;
        }

        @Override
        public String type() {
            return real.type();
        }

        @Override
        public List<CheckResult> check() {
            return real.check();
        }

        @Override
        public String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException {
            attempts.add(clock.instant());
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new TransientDeliveryException("503 Service Unavailable (test outage)", null);
            }
            return real.put(name, content, metadata);
        }
    }

    private TestSpool spool(String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(List.of("DICOM_GATEWAY_STUDY_STABLEAFTER", "60s",
                "DICOM_GATEWAY_RETRY_INITIALDELAY", "10s", "DICOM_GATEWAY_RETRY_MAXDELAY", "40s"));
        settings.addAll(List.of(overrides));
        return TestSpool.open(work, clock, settings.toArray(String[]::new));
    }

    private DeliveryEngine engine(TestSpool spool, ObjectStore objects) throws Exception {
        DeliveryEngine engine = new DeliveryEngine(spool.config(), spool.spool(),
                new Destinations(objects, new NdjsonMetadataStore(spool.metadata(), "gw-test")), clock, new SimpleMeterRegistry(),
                Duration.ofHours(1), MIDDLE_JITTER);
        engine.open();
        return engine;
    }

    private void tickAt(DeliveryEngine engine, Instant time) throws Exception {
        clock.set(time);
        engine.runOnce();
    }

    private static BatchManifest only(Map<String, BatchManifest> batches) {
        assertEquals(1, batches.size(), "batches: " + batches.keySet());
        return batches.values().iterator().next();
    }

    @Test
    void transientFailuresAreRetriedAtTheTimesRetrySettingsGive() throws Exception {
        TestSpool spool = spool();
        spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(0)));
        FailingStore store = new FailingStore(new LocalDirectoryStore(spool.bucket()), clock, 5);
        // waits 3/4 of 10 s, 20 s, 40 s, 40 s (maxDelay), 40 s
        List<Instant> due = List.of(SEALED, SEALED.plusMillis(7_500), SEALED.plusMillis(22_500), SEALED.plusMillis(52_500),
                SEALED.plusMillis(82_500), SEALED.plusMillis(112_500));
        try (DeliveryEngine engine = engine(spool, store)) {
            tickAt(engine, SEALED.minusMillis(1));
            assertEquals(List.of(), store.attempts, "nothing sealed, nothing tried before stableAfter");
            tickAt(engine, SEALED);
            assertEquals(List.of(SEALED), store.attempts, "sealed and tried in the same tick");
            for (int attempt = 1; attempt < due.size(); attempt++) {
                BatchManifest recorded = only(spool.batches());
                assertEquals(attempt, recorded.attempts, "failed attempts recorded in the manifest");
                assertEquals(due.get(attempt), Instant.parse(recorded.nextAttemptAt), "the retry time is on disk");
                assertEquals(BatchState.PACKAGED, recorded.state, "packaged once, the put is what is retried");
                tickAt(engine, due.get(attempt).minusMillis(1));
                assertEquals(due.subList(0, attempt), store.attempts, "not tried before its time");
                tickAt(engine, due.get(attempt));
            }
            assertEquals(due, store.attempts, "six puts, each at its time");
            assertEquals(Map.of(), spool.batches(), "delivered and removed (spool.keepDelivered 0s)");
        }
        assertEquals(1, Delivered.files(spool.bucket(), ".tar.gz").size());
        assertEquals(1, Delivered.rows(spool.metadata()).size());
        assertEquals(0, spool.spool().usage().bytes(), "the spool's usage gives the batch's bytes back");
    }

    @Test
    void retryMaxAttemptsSendsTheBatchToFailed() throws Exception {
        TestSpool spool = spool("DICOM_GATEWAY_RETRY_MAXATTEMPTS", "3");
        spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(0)));
        FailingStore store = new FailingStore(new LocalDirectoryStore(spool.bucket()), clock, Integer.MAX_VALUE);
        try (DeliveryEngine engine = engine(spool, store)) {
            tickAt(engine, SEALED);
            tickAt(engine, SEALED.plusMillis(7_500));
            assertEquals(1, spool.batches().size(), "2 of 3 attempts: still pending");
            assertEquals(Map.of(), spool.failed());
            tickAt(engine, SEALED.plusMillis(22_500));
            assertEquals(3, store.attempts.size());
            assertEquals(Map.of(), spool.batches(), "the third failure is the last");
            BatchManifest failed = only(spool.failed());
            assertTrue(failed.failedReason.startsWith("gave up after 3 attempts (retry.maxAttempts)"), failed.failedReason);
            assertTrue(failed.failedReason.contains("503 Service Unavailable"), "the cause is kept: " + failed.failedReason);
            assertEquals(null, failed.nextAttemptAt);
            tickAt(engine, SEALED.plus(Duration.ofDays(30)));
            assertEquals(3, store.attempts.size(), "a failed batch is never tried again by itself");
        }
        assertEquals(List.of(), Delivered.files(spool.bucket(), ""), "nothing reached the bucket");
        assertTrue(Files.isDirectory(spool.layout().failed().resolve(only(spool.failed()).batchId).resolve("files")),
                "the failed batch keeps its files for `retry`");
    }

    @Test
    void spoolKeepDeliveredHoldsTheFilesUntilTheClockPassesIt() throws Exception {
        TestSpool spool = spool("DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "2h");
        spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(0)));
        spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(1)));
        long staged = spool.spool().usage().bytes();
        FailingStore store = new FailingStore(new LocalDirectoryStore(spool.bucket()), clock, 0);
        try (DeliveryEngine engine = engine(spool, store)) {
            tickAt(engine, SEALED);
            assertEquals(1, spool.batches().size(), "the delivered batch stays in batches/ for spool.keepDelivered");
            BatchManifest done = only(spool.batches());
            assertEquals(BatchState.DONE, done.state);
            assertEquals(SEALED.toString(), done.deliveredAt);
            assertEquals(1, Delivered.files(spool.bucket(), ".tar.gz").size(), "delivered at once");
            assertEquals(2, Delivered.rows(spool.metadata()).size());
            Path files = spool.layout().batches().resolve(done.batchId).resolve("files");
            Path record = spool.layout().delivered().resolve(done.batchId + ".json");

            tickAt(engine, SEALED.plus(Duration.ofHours(2)).minusMillis(1));
            assertEquals(2, Delivered.files(files, ".dcm").size(), "kept for spool.keepDelivered");
            assertFalse(Files.exists(record));
            assertEquals(staged, spool.spool().usage().bytes(), "kept files still count against spool.maxBytes");

            tickAt(engine, SEALED.plus(Duration.ofHours(2)));
            assertFalse(Files.exists(files), "removed once the clock passes deliveredAt + spool.keepDelivered");
            assertEquals(Map.of(), spool.batches());
            assertEquals(BatchState.DONE, BatchManifest.read(record).state, "the manifest stays in delivered/ for audit");
            assertEquals(0, spool.spool().usage().bytes());
        }
        assertEquals(1, store.attempts.size(), "holding the files never stores the object again");
        assertEquals(2, Delivered.rows(spool.metadata()).size(), "nor writes the rows again");
    }
}
