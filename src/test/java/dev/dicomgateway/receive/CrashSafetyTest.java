package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.Part10;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL the gateway process in the middle of many concurrent transfers, again and again: no instance that a
 * sender saw acknowledged may be missing, and no partial file may ever be visible under incoming/.
 */
class CrashSafetyTest {
    private static final int ROUNDS = 8;
    private static final int SENDERS = 4;
    private static final int FILES_PER_SENDER = 60;
    private static final int PIXEL_BYTES = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void sigkillDuringConcurrentTransfersNeverLosesAnAcknowledgedInstance() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        List<List<Path>> batches = makeInstances(work.resolve("source"));
        Map<String, String> sourceDigestBySop = new HashMap<>();
        for (List<Path> batch : batches) {
            for (Path file : batch) {
                sourceDigestBySop.put(sopOf(file), Part10.dataSetDigest(file));
            }
        }

        Set<String> acknowledged = new HashSet<>();
        int acknowledgedBeforeKills = 0;
        int interruptedRounds = 0;
        for (int round = 0; round < ROUNDS; round++) {
            GatewayProcess gateway = GatewayProcess.start(spool, log, TestGateway.PASSTHROUGH);
            List<CompletableFuture<Dcmtk.StoreReport>> senders = new ArrayList<>();
            for (List<Path> batch : batches) {
                senders.add(CompletableFuture.supplyAsync(() -> send(gateway.dicomPort(), batch)));
            }
            // Kill at a random moment after the first instance of this round reached incoming/, not after a fixed
            // sleep: on a loaded machine storescu may not have connected within half a second, and a round that
            // kills before any transfer began tests nothing.
            awaitStaged(spool, staged(spool) + 1, 60_000);
            Thread.sleep(random.nextInt(500));
            gateway.kill();
            int thisRound = 0;
            for (CompletableFuture<Dcmtk.StoreReport> sender : senders) {
                for (Path stored : sender.get().stored()) {
                    acknowledged.add(sopOf(stored));
                    thisRound++;
                }
            }
            acknowledgedBeforeKills += thisRound;
            if (thisRound < SENDERS * FILES_PER_SENDER) {
                interruptedRounds++;
            }
            System.out.printf("round %d: %d of %d transfers acknowledged before SIGKILL%n", round, thisRound, SENDERS * FILES_PER_SENDER);
            assertSpoolConsistent(spool, acknowledged, sourceDigestBySop, "round " + round + " (seed " + seed + ")");
        }
        assertTrue(acknowledgedBeforeKills > 0, "some transfers were acknowledged before the kills");
        assertTrue(interruptedRounds >= ROUNDS / 2,
                "the kills must interrupt transfers for this test to mean anything; interrupted " + interruptedRounds + " of " + ROUNDS);

        try (GatewayProcess restarted = GatewayProcess.start(spool, log, TestGateway.PASSTHROUGH)) {
            try (Stream<Path> leftovers = Files.list(spool.resolve("tmp"))) {
                assertEquals(0, leftovers.count(), "start-up removes the partial transfers the kills left in tmp/");
            }
            assertSpoolConsistent(spool, acknowledged, sourceDigestBySop, "after restart");
        }
    }

    /** Waits until incoming/ holds at least {@code count} staged instances, or the time is up. */
    private static void awaitStaged(Path spool, int count, long millis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (staged(spool) < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static int staged(Path spool) throws IOException {
        Path incoming = spool.resolve("incoming");
        if (!Files.exists(incoming)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(incoming)) {
            return (int) files.filter(file -> file.getFileName().toString().endsWith(".dcm")).count();
        } catch (java.io.UncheckedIOException raced) { // a directory created or removed during the walk
            return 0;
        }
    }

    private static Dcmtk.StoreReport send(int port, List<Path> batch) {
        try {
            return Dcmtk.storescu(port, "DICOM-GATEWAY", "-xe", batch);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every acknowledged instance is staged intact, and every staged file is an intact copy of a source. */
    private static void assertSpoolConsistent(Path spool, Set<String> acknowledged, Map<String, String> sourceDigests,
                                              String when) throws IOException {
        Map<String, Path> staged = new HashMap<>();
        Path incoming = spool.resolve("incoming");
        if (Files.exists(incoming)) {
            try (Stream<Path> files = Files.walk(incoming)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".summary")) {
                        continue; // a staged instance's cache of its header (InstanceSummary): a torn one is ignored
                    }
                    assertTrue(name.endsWith(".dcm"), when + ": unexpected file " + file);
                    String sop; // passthrough names files by a keyed digest: the SOP Instance UID is the data set's
                    try {
                        sop = sopOf(file);
                    } catch (IllegalStateException unreadable) {
                        throw new AssertionError(when + ": partial or corrupt " + file, unreadable);
                    }
                    assertEquals(sourceDigests.get(sop), Part10.dataSetDigest(file), when + ": partial or corrupt " + file);
                    staged.put(sop, file);
                }
            }
        }
        for (String sop : acknowledged) {
            assertTrue(staged.containsKey(sop), when + ": acknowledged instance " + sop + " is missing");
        }
    }

    /** SENDERS batches of CT instances, written by dcmtk's dcmodify so storescu sends them bit for bit. */
    private static List<List<Path>> makeInstances(Path directory) throws Exception {
        Files.createDirectories(directory);
        List<List<Path>> batches = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of("dcmodify", "-q", "-nb", "-gin"));
        for (int s = 0; s < SENDERS; s++) {
            List<Path> batch = new ArrayList<>();
            for (int f = 0; f < FILES_PER_SENDER; f++) {
                String sop = "1.2.826.0.1.3680043.10.777." + s + "." + f;
                byte[] dataSet = DataSets.ct(sop, "CRASH" + s, "1.2.826.0.1.3680043.10.777." + s,
                        "1.2.826.0.1.3680043.10.777." + s + ".1", PIXEL_BYTES);
                byte[] meta = new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode();
                Path file = directory.resolve("ct-" + s + "-" + f + ".dcm");
                try (var out = Files.newOutputStream(file)) {
                    out.write(meta);
                    out.write(dataSet);
                }
                batch.add(file);
                command.add(file.toString());
            }
            batches.add(batch);
        }
        Dcmtk.Result modified = Dcmtk.run(command);
        assertEquals(0, modified.exitCode(), modified.output());
        return batches;
    }

    private static String sopOf(Path file) {
        try {
            return new dev.dicomgateway.dicom.InstanceHeaderReader().read(file).sopInstanceUid();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
