package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayCommand;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.InstanceFiles;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per spool, with real processes: a second `run` is refused naming the owner's PID; `import` beside a
 * gateway that receives from storescu hands its files over and every instance is delivered exactly once; an import
 * that is killed leaves nothing behind, and one that is alive (stopped with SIGSTOP) loses nothing to a gateway's
 * start; an import whose gateway dies takes the spool and finishes alone.
 */
class SpoolOwnerTest {
    private static final String[] SETTINGS = {"DICOM_GATEWAY_DEIDENTIFY_ENABLED", "false",
            "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false", "DICOM_GATEWAY_STUDY_STABLEAFTER", "300ms",
            "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms", "DICOM_GATEWAY_RETRY_MAXDELAY", "500ms"};
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void aSecondRunOnTheSameSpoolExitsOneNamingTheOwnersPid() throws Exception {
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        try (GatewayProcess owner = GatewayProcess.start(spool, log, SETTINGS)) {
            Cli.Output second = GatewayCommand.run(spool, work, Duration.ofSeconds(30), List.of("run"), SETTINGS);
            assertEquals(1, second.exitCode(), second.out() + second.err());
            assertTrue(second.err().contains("spool " + spool + " is in use by process " + owner.pid()
                    + " (dicom-gateway run since "), second.err());
            assertTrue(second.err().contains("stop it or use another spool.dir"), second.err());
            assertFalse(second.out().contains(" ready: "), "the second did not start anything: " + second.out());
            Cli.Output check = GatewayCommand.run(spool, work, Duration.ofSeconds(30), List.of("check"), SETTINGS);
            assertTrue(check.out().contains("spool owner") && check.out().contains("process " + owner.pid()), check.out());
            assertEquals(0, Dcmtk.echoscu(owner.dicomPort(), TestGateway.AE_TITLE, "ECHO").exitCode(), "the owner serves on");
            owner.kill(); // SIGKILL: the lock goes with the process, nothing stale is left to clean up
        }
        try (GatewayProcess next = GatewayProcess.start(spool, log, SETTINGS)) {
            assertEquals(0, Dcmtk.echoscu(next.dicomPort(), TestGateway.AE_TITLE, "ECHO").exitCode());
        }
    }

    @Test
    void importBesideAGatewayThatReceivesAndDeliversDeliversEveryInstanceExactlyOnce() throws Exception {
        List<Path> sent = InstanceFiles.ct(work.resolve("sent"), "1.2.826.0.1.3680043.10.901", 4, 10, 40_000);
        Path folder = work.resolve("archive");
        List<Path> imported = InstanceFiles.ct(folder.resolve("nested"), "1.2.826.0.1.3680043.10.902", 4, 10, 40_000);
        Files.writeString(folder.resolve("README.txt"), "not DICOM");
        Path spool = work.resolve("spool");
        try (GatewayProcess gateway = GatewayProcess.start(spool, work.resolve("gateway.log"), SETTINGS)) {
            GatewayCommand importing = GatewayCommand.start(spool, work, List.of("import", folder.toString()), SETTINGS);
            CompletableFuture<Dcmtk.StoreReport> storing = CompletableFuture.supplyAsync(() -> {
                try {
                    return Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", sent);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Cli.Output imports = importing.await(COMMAND_TIMEOUT);
            assertEquals(3, imports.exitCode(), "exit 3: one file skipped; " + imports.out() + imports.err());
            assertTrue(imports.out().contains("is owned by process " + gateway.pid()), "handed to the gateway: " + imports.out());
            assertTrue(imports.out().contains("staged 40 instance(s)"), imports.out());
            assertTrue(imports.out().contains("skipped 1: not a DICOM Part 10 file"), imports.out());
            assertEquals(sent.size(), storing.get().stored().size(), storing.get().result().output());
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), sent.size() + imported.size());
            awaitEmpty(spool.resolve("batches"));
        }
        List<String> rows = Delivered.rows(TestGateway.metadataOf(spool)).stream().map(r -> r.get("SOPInstanceUID").asText()).toList();
        assertEquals(union(sops(sent), sops(imported)), new HashSet<>(rows), "every instance sent and imported");
        assertEquals(sent.size() + imported.size(), Delivered.rows(TestGateway.metadataOf(spool)).size(), "no row twice");
        assertEquals(sent.size() + imported.size(), archivedSops(spool).size(), "one archive member per instance");
        assertEquals(union(sops(sent), sops(imported)), new HashSet<>(archivedSops(spool)), "no member twice");
        assertEquals(List.of(), entries(spool.resolve("inbox")), "nothing left in inbox/");
        assertEquals(List.of(), entries(spool.resolve("tmp")), "nothing left in tmp/");
    }

    @Test
    void aKilledImportLeavesNothingAndAStartNeverDeletesWhatALiveImportIsCopying() throws Exception {
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        Path killedFolder = work.resolve("killed");
        List<Path> killedFiles = InstanceFiles.ct(killedFolder, "1.2.826.0.1.3680043.10.903", 2, 150, 20_000);
        Path liveFolder = work.resolve("live");
        List<Path> liveFiles = InstanceFiles.ct(liveFolder, "1.2.826.0.1.3680043.10.904", 2, 150, 20_000);
        GatewayProcess first = GatewayProcess.start(spool, log, SETTINGS);
        Path killedPart;
        Path livePart;
        long liveCopies;
        try (GatewayCommand killed = GatewayCommand.start(spool, work, List.of("import", killedFolder.toString()), SETTINGS);
             GatewayCommand live = GatewayCommand.start(spool, work, List.of("import", liveFolder.toString()), SETTINGS)) {
            killedPart = awaitPartWithCopies(spool, killed.pid(), 5);
            killed.pause();
            livePart = awaitPartWithCopies(spool, live.pid(), 5);
            live.pause(); // alive, its lock held, half way through copying
            first.kill();
            killed.kill(); // while no gateway runs: the next start finds what it left
            liveCopies = copies(livePart);
            assertTrue(Files.isDirectory(killedPart) && Files.isDirectory(livePart) && liveCopies < liveFiles.size(),
                    "precondition: both imports were still copying (" + liveCopies + " copies)");
            try (GatewayProcess second = GatewayProcess.start(spool, log, SETTINGS)) {
                awaitGone(killedPart);
                assertTrue(Files.isDirectory(livePart), "the live import's hand-in survives the start");
                assertEquals(liveCopies, copies(livePart), "and every copy in it");
                assertTrue(Files.readString(log).contains("removed import " + killedPart.getFileName().toString()
                        .replace(".part", "") + " from the inbox: its process stopped before handing it in"), "logged");
                live.resume();
                Cli.Output imports = live.await(COMMAND_TIMEOUT);
                assertEquals(0, imports.exitCode(), imports.out() + imports.err());
                assertTrue(imports.out().contains("staged " + liveFiles.size() + " instance(s)"), imports.out());
                Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), liveFiles.size());
                awaitEmpty(spool.resolve("batches"));
                Thread.sleep(1_000); // anything of the killed import would have been sealed by now too
            }
        }
        List<String> rows = Delivered.rows(TestGateway.metadataOf(spool)).stream().map(r -> r.get("SOPInstanceUID").asText()).toList();
        assertEquals(liveFiles.size(), rows.size(), "nothing of the killed import, nothing twice");
        assertEquals(sops(liveFiles), new HashSet<>(rows));
        assertTrue(killedFiles.stream().allMatch(Files::exists), "sources are only read");
        assertEquals(List.of(), entries(spool.resolve("inbox")), "nothing left in inbox/");
    }

    @Test
    void anImportWhoseGatewayStopsTakesTheSpoolAndStagesTheRestItself() throws Exception {
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        Path folder = work.resolve("archive");
        List<Path> files = InstanceFiles.ct(folder, "1.2.826.0.1.3680043.10.905", 3, 100, 20_000);
        GatewayProcess first = GatewayProcess.start(spool, log, SETTINGS);
        try (GatewayCommand importing = GatewayCommand.start(spool, work, List.of("import", folder.toString()), SETTINGS)) {
            Path outcomes = awaitHandedIn(spool).resolve("outcomes.tsv");
            while (!Files.exists(outcomes) || Files.readAllLines(outcomes).size() < 10) {
                assertTrue(importing.isAlive(), "the import ended before the gateway had staged 10 files: " + importing.out());
                Thread.sleep(5);
            }
            first.kill(); // mid-way through staging the hand-in
            Cli.Output imports = importing.await(COMMAND_TIMEOUT);
            assertEquals(0, imports.exitCode(), imports.out() + imports.err());
            assertTrue(imports.out().contains("this import stages the rest itself"), imports.out());
            assertTrue(imports.out().contains("staged " + files.size() + " instance(s)"), "each file counted once: " + imports.out());
        }
        try (GatewayProcess second = GatewayProcess.start(spool, log, SETTINGS)) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), files.size());
            awaitEmpty(spool.resolve("batches"));
            Thread.sleep(1_000);
        }
        List<String> rows = Delivered.rows(TestGateway.metadataOf(spool)).stream().map(r -> r.get("SOPInstanceUID").asText()).toList();
        assertEquals(files.size(), rows.size(), "every instance once");
        assertEquals(sops(files), new HashSet<>(rows));
        assertEquals(List.of(), entries(spool.resolve("inbox")));
    }

    private static Set<String> sops(List<Path> files) {
        Set<String> sops = new HashSet<>();
        files.forEach(f -> sops.add(f.getFileName().toString().replace(".dcm", "")));
        return sops;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** The SOP Instance UID of every member of every delivered archive (through its metadata row). */
    private static List<String> archivedSops(Path spool) throws Exception {
        Map<String, String> sopByMember = new HashMap<>(); // passthrough names members by keyed digests
        for (JsonNode row : Delivered.rows(TestGateway.metadataOf(spool))) {
            sopByMember.put(row.get("archive_member").asText(), row.get("SOPInstanceUID").asText());
        }
        List<String> sops = new ArrayList<>();
        for (Path archive : Delivered.files(TestGateway.bucketOf(spool), ".tar.gz")) {
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", archive.toString()));
            assertEquals(0, listing.exitCode(), listing.output());
            for (String member : listing.output().strip().split("\n")) {
                sops.add(sopByMember.getOrDefault(member, "no row for " + member));
            }
        }
        return sops;
    }

    /** The {@code <id>.part} directory of the import with {@code pid} once it holds {@code copies} files. */
    private static Path awaitPartWithCopies(Path spool, long pid, int copies) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Path entry : entries(spool.resolve("inbox"))) {
                String name = entry.getFileName().toString();
                if (name.endsWith("-" + pid + ".part") && copies(entry) >= copies) {
                    return entry;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("import " + pid + " did not copy " + copies + " files into the inbox");
    }

    /** The first entry handed in (renamed from .part). */
    private static Path awaitHandedIn(Path spool) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Path entry : entries(spool.resolve("inbox"))) {
                if (!entry.getFileName().toString().endsWith(".part")) {
                    return entry;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("nothing was handed in");
    }

    private static long copies(Path entry) throws Exception {
        Path files = entry.resolve("files");
        if (!Files.isDirectory(files)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(files)) {
            return list.filter(f -> f.toString().endsWith(".dcm")).count();
        }
    }

    private static List<Path> entries(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.sorted().toList();
        }
    }

    private static void awaitGone(Path path) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (Files.exists(path)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " is still there");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitEmpty(Path directory) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!entries(directory).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(directory + " still holds " + entries(directory));
            }
            Thread.sleep(100);
        }
        Thread.sleep(300); // the last batch's clean-up
    }
}
