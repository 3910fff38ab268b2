package dev.dicomgateway.deliver;

import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.TestSpool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Benchmark (bench/engine-tick-cost, not a test): what one delivery-engine tick costs while BATCHES batches wait out
 * a retry backoff (an outage's backlog): the engine is opened on a real spool holding them and ticked TICKS times with
 * nothing due; prints the median thread CPU time per tick. The script runs it under strace -c, with TICKS and with
 * none, to count the system calls the ticks made.
 * Usage: EngineTickCost WORK_DIR BATCHES TICKS
 */
public final class EngineTickCost {
    private static final Instant NOW = Instant.parse("2031-03-04T05:06:07Z");

    private EngineTickCost() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // not 10,000 "resuming" lines
        Path work = Path.of(args[0]);
        int batches = Integer.parseInt(args[1]);
        int ticks = Integer.parseInt(args[2]);
        ManualClock clock = new ManualClock(NOW);
        TestSpool spool = TestSpool.open(work, clock, "DICOM_GATEWAY_STUDY_STABLEAFTER", "60s");
        Path first = null;
        for (int i = 0; i < batches; i++) {
            BatchManifest manifest = new BatchManifest();
            manifest.batchId = String.format("entity%05d_item%05d_p1", i, i);
            manifest.collection = "bench";
            manifest.entity = "entity" + i;
            manifest.item = "item" + i;
            manifest.part = 1;
            manifest.state = BatchState.PACKAGED;
            manifest.sealedAt = NOW.minusSeconds(3600 + i).toString();
            manifest.attempts = 7;
            manifest.lastError = "503 Service Unavailable";
            manifest.nextAttemptAt = NOW.plus(Duration.ofHours(1)).plusSeconds(i).toString();
            Path batch = spool.layout().batches().resolve(manifest.batchId);
            Files.createDirectories(batch.resolve(BatchManifest.FILES_DIRECTORY));
            if (first == null) {
                manifest.write(batch.resolve(BatchManifest.FILE_NAME));
                first = batch.resolve(BatchManifest.FILE_NAME);
            } else { // written like the first, without a sync each: the disk's speed is not what is measured
                Files.write(batch.resolve(BatchManifest.FILE_NAME), new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsBytes(manifest));
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (DeliveryEngine engine = new DeliveryEngine(spool.config(), spool.spool(),
                new Destinations(new LocalDirectoryStore(spool.bucket()), new NdjsonMetadataStore(spool.metadata(), "gw-bench")),
                clock, new SimpleMeterRegistry(), Duration.ofHours(1), java.util.random.RandomGenerator.getDefault())) {
            engine.open();
            Thread.sleep(2_500); // batches/ is older than its racy window: what a tick sees an hour into an outage
            long[] cpu = new long[Math.max(1, ticks)];
            System.out.println("ticks begin");
            for (int tick = 0; tick < ticks; tick++) {
                clock.set(NOW.plusMillis(250L * tick));
                long start = threads.getCurrentThreadCpuTime();
                engine.runOnce();
                cpu[tick] = threads.getCurrentThreadCpuTime() - start;
            }
            System.out.println("ticks end");
            Arrays.sort(cpu);
            System.out.printf("%d batches waiting, %d ticks: median CPU per tick %.3f ms (max %.3f ms), %d pending%n",
                    batches, ticks, cpu[cpu.length / 2] / 1e6, cpu[cpu.length - 1] / 1e6, engine.batchesByState()
                            .getOrDefault("packaged", 0L));
        }
    }
}
