package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 500 transfers aborted midway by the sender — by A-ABORT, by a TCP reset, by a plain close — leave the gateway's
 * threads, open file descriptors and temporary files exactly where they were (PixelMed's SCP leaks one of each per
 * abort; see docs/decisions.md).
 */
class AbortedTransfersTest {
    private static final int TRANSFERS = 500;
    private static final String STUDY = "1.2.3.4.5";
    private static final String SERIES = "1.2.3.4.5.6";

    @TempDir
    Path spool;

    @Test
    void abortedTransfersLeaveThreadsDescriptorsAndTemporaryFilesAtBaseline() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool)) {
            abortTransfers(gateway, 0, 30); // warm up: class loading, JIT, buffer caches
            awaitQuiet(gateway);
            int baselineThreads = threads();
            long baselineDescriptors = openDescriptors();

            abortTransfers(gateway, 30, TRANSFERS);
            awaitQuiet(gateway);

            assertEquals(0, temporaryFiles(), "temporary files");
            assertEquals(0, StoreCorpusTest.countFiles(spool.resolve("incoming"), ".dcm"), "no aborted instance staged");
            assertSettles(baselineThreads, AbortedTransfersTest::threads, "threads");
            assertSettles(baselineDescriptors, AbortedTransfersTest::openDescriptors, "open file descriptors");
            String metrics = gateway.registry().scrape();
            assertEquals(TRANSFERS, counted(metrics, "dicom_gateway_instances_rejected_total{gateway=\"gw-1\",reason=\"incomplete\"}"),
                    "every aborted instance counted");
        }
    }

    private static void abortTransfers(Gateway gateway, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String sop = "1.2.826.0.1.3680043.10.999." + i;
            RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "ABORTER");
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sop)));
            byte[] dataSet = DataSets.ct(sop, "P" + i, STUDY, SERIES, 64_000);
            scu.send(RawScu.pData(false, false, java.util.Arrays.copyOf(dataSet, 32_000)));
            switch (i % 3) {
                case 0 -> {
                    scu.send(RawScu.abortPdu());
                    scu.close();
                }
                case 1 -> scu.reset();
                default -> scu.close();
            }
        }
    }

    private static void awaitQuiet(Gateway gateway) throws InterruptedException {
        AssociationNegotiationTest.awaitActive(gateway, 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("dicom-association-"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private interface Reading {
        long read() throws Exception;
    }

    /** Thread and descriptor counts can lag a moment behind closed sockets; allow a few seconds to settle. */
    private static void assertSettles(long baseline, Reading reading, String what) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long now = reading.read();
        while (now > baseline && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = reading.read();
        }
        assertTrue(now <= baseline, what + ": baseline " + baseline + ", now " + now);
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long openDescriptors() throws Exception {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.count();
        }
    }

    private long temporaryFiles() throws Exception {
        try (Stream<Path> files = Files.list(spool.resolve("tmp"))) {
            return files.count();
        }
    }

    private static long counted(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }
}
