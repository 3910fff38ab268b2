package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.PassthroughDeidentifier;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seal against instances that keep arriving, driven through the real stager and sealer on a real spool: an
 * instance that arrives after completion was decided keeps its study open; a seal whose move fails leaves the study
 * open in incoming/ and seals it later; instances staged from several threads while seals run are each sealed once,
 * the usage is the bytes on disk and no lock is left behind.
 */
class SealRaceTest {
    private static final String STUDY = "1.2.826.0.1.3680043.10.1043.77";
    private static final String SERIES = "1.2.826.0.1.3680043.10.1043.77.1";

    @TempDir
    Path work;

    /** A clock the test sets, which can run an action the first time a given thread reads it. */
    static final class SteppedClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        volatile Thread hooked;
        volatile Runnable onRead;

        @Override
        public Instant instant() {
            Runnable action = onRead;
            if (Thread.currentThread() == hooked && action != null) {
                onRead = null;
                action.run();
            }
            return now.get();
        }

        void advance(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private Spool open(Clock clock, String... overrides) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "DICOM_GATEWAY_SPOOL_DIR", work.resolve("spool").toString(),
                "DICOM_GATEWAY_DEIDENTIFY_ENABLED", "false",
                "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false",
                "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", work.resolve("spool/private/deidentify.key").toString(),
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "10s",
                "DICOM_GATEWAY_STUDY_MAXOPEN", "1h"));
        for (int i = 0; i < overrides.length; i += 2) {
            environment.put(overrides[i], overrides[i + 1]);
        }
        GatewayConfig config = GatewayConfig.load(null, environment);
        SpoolLayout layout = new SpoolLayout(config.spool().dir());
        layout.create();
        return Spool.open(config, layout, new DiskSpace(layout.root(), 0),
                PassthroughDeidentifier.open(config.deidentify(), layout.privateArea()), new SimpleMeterRegistry(), clock);
    }

    private StoreOutcome stage(Spool spool, String sop) throws Exception {
        byte[] dataSet = DataSets.ct(sop, "P1", STUDY, SERIES, 256);
        byte[] meta = new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode();
        byte[] file = Arrays.copyOf(meta, meta.length + dataSet.length);
        System.arraycopy(dataSet, 0, file, meta.length, dataSet.length);
        Path received = Files.write(spool.layout().temporary().resolve("rx-" + sop + "-" + System.nanoTime()), file);
        try {
            return spool.stager().store(new ReceivedInstance(received, RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE,
                    "TEST", dataSet.length));
        } finally {
            Files.deleteIfExists(received);
        }
    }

    @Test
    void anInstanceArrivingAfterCompletionWasDecidedKeepsItsStudyOpen() throws Exception {
        SteppedClock clock = new SteppedClock();
        try (Spool spool = open(clock)) {
            assertTrue(stage(spool, "1.2.3.1").success());
            clock.advance(Duration.ofSeconds(10)); // quiet for study.stableAfter: complete
            // the second instance is being staged (it holds the study's shared lock and is reading the time of its
            // arrival) when the sealer decides the study is complete and waits for the exclusive lock
            AtomicReference<List<String>> firstSeal = new AtomicReference<>();
            Thread sealer = new Thread(() -> {
                try {
                    firstSeal.set(spool.sealer().sealCompleteStudies());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            clock.hooked = Thread.currentThread();
            clock.onRead = () -> {
                sealer.start();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (sealer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(Thread.State.WAITING, sealer.getState(), "the sealer waits for the study's lock");
            };
            assertTrue(stage(spool, "1.2.3.2").success());
            sealer.join(10_000);
            assertEquals(List.of(), firstSeal.get(),
                    "an instance arrived after completion was decided: the study is no longer quiet");
            assertEquals(2, files(spool.layout().incoming()).size());
            assertEquals(1, spool.tracker().openStudies().size());

            clock.advance(Duration.ofSeconds(10));
            List<String> batches = spool.sealer().sealCompleteStudies();
            assertEquals(1, batches.size());
            BatchManifest manifest = BatchManifest.read(spool.layout().batches().resolve(batches.get(0)).resolve("manifest.json"));
            assertEquals(2, manifest.instances.size());
            assertTrue(spool.tracker().openStudies().isEmpty());
        }
    }

    @Test
    void aSealWhoseMoveFailsLeavesTheStudyOpenAndSealsItOnceTheCauseIsGone() throws Exception {
        Path elsewhere = Files.createTempDirectory(Path.of("/dev/shm"), "other-file-system");
        SteppedClock clock = new SteppedClock();
        try (Spool spool = open(clock)) {
            assertNotEquals(Files.getFileStore(elsewhere), Files.getFileStore(work),
                    "the test needs /dev/shm on another file system than " + work);
            for (int i = 1; i <= 3; i++) {
                assertTrue(stage(spool, "1.2.3." + i).success());
            }
            Path batches = spool.layout().batches();
            Files.delete(batches); // batches/ on another file system: the seal's atomic rename fails (EXDEV)
            Files.createSymbolicLink(batches, elsewhere);
            clock.advance(Duration.ofSeconds(10));
            assertEquals(List.of(), spool.sealer().sealCompleteStudies());
            assertEquals(3, files(spool.layout().incoming()).size(), "nothing stranded: the study is still in incoming/");
            assertEquals(1, spool.tracker().openStudies().size(), "and still open");
            try (Stream<Path> left = Files.list(elsewhere)) {
                assertEquals(List.of(), left.toList(), "the failed seal's empty batch directory is removed");
            }

            Files.delete(batches);
            Files.createDirectory(batches);
            // and the part counter the failed attempt wrote is damaged: sealing must not depend on it
            try (Stream<Path> counters = Files.walk(spool.layout().partNumbers())) {
                for (Path counter : counters.filter(Files::isRegularFile).toList()) {
                    Files.writeString(counter, "garbage");
                }
            }
            assertEquals(List.of(), spool.sealer().sealCompleteStudies(), "retried after a back-off, not at every tick");
            clock.advance(Duration.ofSeconds(2));
            List<String> sealed = spool.sealer().sealCompleteStudies();
            assertEquals(1, sealed.size());
            assertEquals(3, BatchManifest.read(batches.resolve(sealed.get(0)).resolve("manifest.json")).instances.size());
            assertEquals(List.of(), files(spool.layout().incoming()));
            assertEquals(bytesOnDisk(spool.layout()), spool.usage().bytes());
        } finally {
            try (Stream<Path> left = Files.walk(elsewhere)) {
                left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void instancesStagedWhileSealsRunAreEachSealedOnceAndCountedOnce() throws Exception {
        Clock clock = Clock.systemUTC();
        try (Spool spool = open(clock, "DICOM_GATEWAY_STUDY_STABLEAFTER", "100ms")) {
            Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<String> sealed = new ConcurrentLinkedQueue<>();
            AtomicBoolean staging = new AtomicBoolean(true);
            ExecutorService threads = Executors.newFixedThreadPool(5);
            List<Future<?>> stagers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                stagers.add(threads.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        // threads 0 and 1 send the same SOP Instance UIDs at the same time (a resend on a second
                        // association), threads 2 and 3 their own
                        String sop = "1.2.3." + (thread < 2 ? 0 : thread) + "." + i;
                        if (stage(spool, sop).success()) {
                            acknowledged.add(sop);
                        }
                        Thread.sleep(ThreadLocalRandom.current().nextInt(0, 250));
                    }
                    return null;
                }));
            }
            Future<?> sealer = threads.submit(() -> {
                while (staging.get()) {
                    sealed.addAll(spool.sealer().sealCompleteStudies());
                    Thread.sleep(2);
                }
                return null;
            });
            for (Future<?> stager : stagers) {
                stager.get();
            }
            staging.set(false);
            sealer.get();
            threads.shutdown();
            Thread.sleep(200);
            sealed.addAll(spool.sealer().sealCompleteStudies());

            assertEquals(List.of(), files(spool.layout().incoming()), "nothing left open");
            List<String> instancesInBatches = new ArrayList<>();
            for (String batch : sealed) {
                BatchManifest manifest = BatchManifest.read(spool.layout().batches().resolve(batch).resolve("manifest.json"));
                manifest.instances.forEach(i -> instancesInBatches.add(i.sop()));
                Instant latest = manifest.instances.stream().map(i -> Instant.parse(i.receivedAt())).max(Instant::compareTo).orElseThrow();
                assertTrue(!latest.plus(Duration.ofMillis(100)).isAfter(Instant.parse(manifest.sealedAt)),
                        "batch " + batch + " sealed at " + manifest.sealedAt + ", before its last instance (" + latest
                                + ") was quiet for study.stableAfter");
            }
            // passthrough still replaces UIDs by keyed ones, so instances are compared by number: 120 distinct were sent
            assertEquals(120, acknowledged.size());
            assertEquals(instancesInBatches.size(), new HashSet<>(instancesInBatches).size(), "an instance sealed twice");
            assertEquals(acknowledged.size(), instancesInBatches.size(), "every acknowledged instance sealed once");
            assertTrue(sealed.size() > 1, "the test must seal while instances arrive (sealed " + sealed.size() + ")");
            assertEquals(bytesOnDisk(spool.layout()), spool.usage().bytes(), "usage counts each staged file once");
            assertEquals(0, spool.tracker().openStudies().size());
            assertEquals(0, spool.lockedStudies(), "a sealed study's lock is evicted");
        }
    }

    @Test
    void aResendOfASealedStudyLeavesNoLockBehind() throws Exception {
        SteppedClock clock = new SteppedClock();
        try (Spool spool = open(clock)) {
            for (int i = 1; i <= 3; i++) {
                assertTrue(stage(spool, "1.2.3." + i).success());
            }
            clock.advance(Duration.ofSeconds(10));
            assertEquals(1, spool.sealer().sealCompleteStudies().size());
            assertEquals(0, spool.lockedStudies());
            for (int round = 1; round <= 2; round++) { // a PACS re-push of the sealed study, twice
                for (int i = 1; i <= 3; i++) {
                    StoreOutcome again = stage(spool, "1.2.3." + i);
                    assertTrue(again.success(), again.toString());
                    assertEquals("sealed", again.duplicateStage().label());
                }
            }
            assertEquals(List.of(), files(spool.layout().incoming()), "nothing staged");
            assertEquals(0, spool.tracker().openStudies().size());
            assertEquals(0, spool.lockedStudies(), "a resend that staged nothing keeps no lock (one per re-pushed "
                    + "study, for good, before)");
        }
    }

    private static List<Path> files(Path directory) throws Exception {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> p.toString().endsWith(".dcm")).toList();
        }
    }

    private static long bytesOnDisk(SpoolLayout layout) throws Exception {
        long bytes = 0;
        for (Path area : new Path[] {layout.incoming(), layout.batches(), layout.failed()}) {
            for (Path file : files(area)) {
                bytes += Files.size(file);
            }
        }
        return bytes;
    }
}
