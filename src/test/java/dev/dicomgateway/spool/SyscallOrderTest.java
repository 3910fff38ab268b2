package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.DurabilityAudit;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.SyscallTrace;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability proven from outside: the real gateway runs under strace while two dcmtk associations send four studies
 * and the gateway delivers them to a local directory and NDJSON metadata. SIGKILL keeps the page cache, so crash tests
 * cannot tell an fsync from none; the system calls can. Every C-STORE-RSP Success must come after fsync(file) →
 * rename into incoming/ → fsync(directory); every file delivery writes (manifest, package, object, NDJSON, delivered/
 * record) after its fsync and rename, then its directory's fsync; every new directory entry after its parent's fsync.
 */
class SyscallOrderTest {
    private static final int SYNTHETIC_PER_STUDY = 3;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure's trace stays for reading
    static Path work;
    private static Path spool;
    private static Set<String> sent;
    private static DurabilityAudit audit;

    @BeforeAll
    static void traceTheGatewayReceivingAndDelivering() throws Exception {
        List<String> strace = straceCommand(work.resolve("strace.txt"));
        spool = work.resolve("spool");
        List<Path> first = new ArrayList<>(instances("A"));
        List<Path> second = new ArrayList<>(instances("B"));
        first.add(corpusFile("CT_small.dcm").path());
        second.add(corpusFile("MR_small.dcm").path());
        sent = new TreeSet<>();
        for (String name : List.of("CT_small.dcm", "MR_small.dcm")) {
            sent.add(corpusFile(name).sopInstanceUid());
        }
        Stream.concat(first.stream(), second.stream()).map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("2.25.")).forEach(n -> sent.add(n.substring(0, n.length() - 4)));
        Path log = work.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.startUnder(strace, spool, log,
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "3s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "200ms")) {
            CompletableFuture<Dcmtk.StoreReport> one = CompletableFuture.supplyAsync(() -> store(gateway, first));
            CompletableFuture<Dcmtk.StoreReport> two = CompletableFuture.supplyAsync(() -> store(gateway, second));
            assertEquals(first.size(), one.get().stored().size(), one.get().result().output());
            assertEquals(second.size(), two.get().stored().size(), two.get().result().output());
            awaitEverythingDelivered(log);
        } // stops the gateway; strace ends with it, its output complete
        SyscallTrace trace = SyscallTrace.read(work.resolve("strace.txt"));
        audit = new DurabilityAudit(trace, List.of(spool, TestGateway.bucketOf(spool), TestGateway.metadataOf(spool)));
    }

    @Test
    void everySuccessFollowsFsyncRenameIntoIncomingAndFsyncOfItsDirectory() {
        List<Path> staging = List.of(spool.resolve("incoming"), spool.resolve("quarantine"));
        List<DurabilityAudit.Acknowledgement> acks = audit.acknowledgements(staging);
        Set<String> acknowledged = acks.stream().filter(a -> a.response().success())
                .map(a -> a.response().sopInstanceUid()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(sent, acknowledged, "one C-STORE-RSP Success in the trace per instance sent");
        assertEquals(sent.size(), acks.size(), "no other responses");
        Set<String> staged = acks.stream().flatMap(a -> a.staging().stream())
                .map(c -> c.placement().orElseThrow().target()).collect(Collectors.toSet());
        assertEquals(sent.size(), staged.size(), "each response acknowledges its own file in incoming/: " + staged);
        assertNoProblems("acknowledged before durable", audit.unprovenAcknowledgements(staging));
    }

    @Test
    void everyDeliveryWriteIsFsyncedRenamedAndItsDirectoryFsynced() throws Exception {
        Set<String> placed = audit.placements().stream().map(p -> p.placement().target()).collect(Collectors.toSet());
        List<Path> records = Delivered.files(spool.resolve("delivered"), ".json");
        assertTrue(records.size() >= 4, "a delivered batch per study (a second part if a slow machine sealed one"
                + " between instances): " + records);
        for (Path record : records) {
            String batch = record.getFileName().toString().replace(".json", "");
            Path directory = spool.resolve("batches").resolve(batch);
            // the archive is streamed to the destination (no package on the spool): its placement is checked below
            for (Path expected : List.of(directory.resolve("manifest.json"),
                    new dev.dicomgateway.deliver.NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-1").fileOf(batch), record)) {
                assertTrue(placed.contains(expected.toString()), expected + " was never renamed into place");
            }
            long manifests = audit.placements().stream()
                    .filter(p -> p.placement().target().equals(directory.resolve("manifest.json").toString())).count();
            assertTrue(manifests >= 5, batch + ": manifest.json written for each state (sealed, packaged, object stored,"
                    + " metadata stored, done), " + manifests + " times");
        }
        List<Path> objects = Delivered.files(TestGateway.bucketOf(spool), ".tar.gz");
        assertEquals(records.size(), objects.size(), "one archive per batch in the local destination");
        for (Path object : objects) {
            assertTrue(placed.contains(object.toString()), object + " was never linked into place");
        }
        assertNoProblems("a delivery write not durable", audit.unsyncedPlacements());
    }

    @Test
    void everyNewDirectoryAndFileCreatedInPlaceIsFsyncedInItsParent() {
        assertNoProblems("a new directory entry not durable", audit.unsyncedNewEntries());
    }

    private static void assertNoProblems(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " times " + what + " (trace: " + work.resolve("strace.txt") + "):\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    /** strace, following every thread, printing descriptors' paths and sockets' ends, buffers up to 1 KiB. */
    private static List<String> straceCommand(Path output) throws IOException, InterruptedException {
        Dcmtk.Result probe;
        try {
            probe = Dcmtk.run(List.of("strace", "-f", "-o", "/dev/null", "true"));
        } catch (IOException e) {
            throw new AssertionError("strace is not installed; this test watches the gateway's system calls with it:"
                    + " install it with bin/install-prerequisites --test (or apt-get install strace)", e);
        }
        if (probe.exitCode() != 0) {
            throw new AssertionError("strace cannot trace a child process here (" + probe.output().trim() + "): ptrace is"
                    + " restricted — allow it (kernel.yama.ptrace_scope ≤ 1, or the container's CAP_SYS_PTRACE/seccomp)");
        }
        return List.of("strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none", "-tt", "-yy", "-x", "-s", "1024",
                "-e", "trace=" + SyscallTrace.TRACED, "-o", output.toString(), "--");
    }

    private static Dcmtk.StoreReport store(GatewayProcess gateway, List<Path> files) {
        try {
            return Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("storescu failed", e);
        }
    }

    /** Polls until every sent instance has its metadata row, no batch is left and each batch has its delivered/ record. */
    private static void awaitEverythingDelivered(Path log) throws Exception {
        long deadline = System.nanoTime() + 180_000_000_000L; // strace slows the gateway; CI machines are busy
        while (System.nanoTime() < deadline) {
            int rows = Delivered.rows(TestGateway.metadataOf(spool)).size();
            int batches = Delivered.files(TestGateway.metadataOf(spool), ".ndjson").size();
            boolean drained;
            try (Stream<Path> left = Files.list(spool.resolve("batches"))) {
                drained = left.findAny().isEmpty();
            }
            if (rows == sent.size() && drained && Delivered.files(spool.resolve("delivered"), ".json").size() == batches) {
                return;
            }
            Thread.sleep(200);
        }
        List<String> lines = Files.readAllLines(log);
        throw new AssertionError("not everything delivered within 3 minutes; end of the gateway's log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
    }

    /** Instances of one study, pixel data 64 KiB each, named by their SOP Instance UID. */
    private static List<Path> instances(String study) throws IOException {
        Path directory = Files.createDirectories(work.resolve("source-" + study));
        String studyUid = "2.25." + (study.equals("A") ? "1111" : "2222") + "0001";
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= SYNTHETIC_PER_STUDY; i++) {
            String sop = studyUid + "." + i;
            Path file = directory.resolve(sop + ".dcm");
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode());
                out.write(DataSets.ct(sop, "TRACE-" + study, studyUid, studyUid + ".1", 64 * 1024));
            }
            files.add(file);
        }
        return files;
    }

    private static Corpus.File corpusFile(String name) throws IOException, InterruptedException {
        return Corpus.files().stream().filter(f -> f.path().getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> new IOException(name + " is not in the test corpus"));
    }
}
