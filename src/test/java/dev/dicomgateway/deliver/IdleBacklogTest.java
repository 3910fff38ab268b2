package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery engine's periodic work is proportional to what changed, not to what waits: the real gateway runs under
 * strace on a spool holding 1,000 batches in retry backoff (an outage's backlog) and ticks for a few seconds with
 * nothing due. Its delivery threads must read no manifest and list batches/ at most once (its first tick may find the
 * directory's time too recent to trust) — a tick that listed batches/ or re-read manifests would do it every 250 ms.
 * That the ticks ran is shown by their statfs of the spool (the disk-space check every tick makes).
 */
class IdleBacklogTest {
    private static final int BATCHES = 1_000;
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(openat|statfs)\\((.*)$");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure's trace stays for reading
    Path work;

    @Test
    void waitingBatchesCostATickNoListingAndNoManifestRead() throws Exception {
        Path spool = work.resolve("spool");
        SpoolLayout layout = new SpoolLayout(spool);
        layout.create();
        Instant now = Instant.now();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < BATCHES; i++) {
            BatchManifest manifest = new BatchManifest();
            manifest.batchId = String.format("entity%04d_item%04d_p1", i, i);
            manifest.collection = "test";
            manifest.entity = "entity" + i;
            manifest.item = "item" + i;
            manifest.part = 1;
            manifest.state = BatchState.PACKAGED;
            manifest.sealedAt = now.minus(Duration.ofHours(2)).plusSeconds(i).toString();
            manifest.attempts = 9;
            manifest.lastError = "503 Service Unavailable (an outage)";
            manifest.nextAttemptAt = now.plus(Duration.ofHours(1)).plusSeconds(i).toString();
            Path batch = layout.batches().resolve(manifest.batchId);
            Files.createDirectories(batch.resolve(BatchManifest.FILES_DIRECTORY));
            Files.write(batch.resolve(BatchManifest.FILE_NAME), json.writeValueAsBytes(manifest));
        }
        Path trace = work.resolve("strace.txt");
        probeStrace();
        List<String> strace = List.of("strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none", "-yy",
                "-e", "trace=openat,statfs", "-o", trace.toString(), "--");
        Set<String> deliveryThreads = new HashSet<>();
        try (GatewayProcess gateway = GatewayProcess.startUnder(strace, spool, work.resolve("gateway.log"))) {
            gateway.httpPort(); // ready: the engine has opened and read every manifest once
            long java = javaPid(gateway.pid());
            Thread.sleep(4_000); // about 16 ticks of 250 ms
            deliveryThreads.addAll(threadsNamed(java, "deliver-"));
        }
        assertTrue(!deliveryThreads.isEmpty(), "the gateway's deliver-* threads were found in /proc");
        int manifestReads = 0;
        int listings = 0;
        int ticks = 0;
        List<String> offending = new ArrayList<>();
        for (String line : Files.readAllLines(trace, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            Matcher call = CALL.matcher(line);
            if (!call.find() || !deliveryThreads.contains(call.group(1))) {
                continue;
            }
            String arguments = call.group(3);
            if (call.group(2).equals("statfs")) {
                ticks++;
            } else if (arguments.contains("/" + BatchManifest.FILE_NAME + "\"")) {
                manifestReads++;
                offending.add(line);
            } else if (arguments.contains("\"" + layout.batches() + "\",")) { // opened to be listed
                listings++;
                offending.add(line);
            }
        }
        String context = " (trace: " + trace + ")\n  " + String.join("\n  ", offending.subList(0, Math.min(10, offending.size())));
        assertTrue(ticks >= 4, "the delivery scheduler ticked (statfs of the spool each tick): " + ticks + context);
        assertEquals(0, manifestReads, "manifests read by the delivery threads while " + BATCHES + " batches wait" + context);
        assertTrue(listings <= 1, "batches/ listed " + listings + " times in " + ticks + " ticks" + context);
    }

    private static void probeStrace() throws Exception {
        Dcmtk.Result probe;
        try {
            probe = Dcmtk.run(List.of("strace", "-f", "-o", "/dev/null", "true"));
        } catch (java.io.IOException e) {
            throw new AssertionError("strace is not installed; this test counts the engine's system calls with it:"
                    + " install it with bin/install-prerequisites --test (or apt-get install strace)", e);
        }
        assertEquals(0, probe.exitCode(), "strace cannot trace a child process here (" + probe.output().trim()
                + "): allow ptrace (kernel.yama.ptrace_scope <= 1, or the container's CAP_SYS_PTRACE)");
    }

    /** The java process strace started (its only child). */
    private static long javaPid(long stracePid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String children = Files.readString(Path.of("/proc/" + stracePid + "/task/" + stracePid + "/children")).trim();
            if (!children.isEmpty()) {
                return Long.parseLong(children.split(" ")[0]);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("strace " + stracePid + " started no process");
    }

    /** Thread ids of {@code pid} whose name (as the kernel keeps it, 15 characters) starts with {@code prefix}. */
    private static Set<String> threadsNamed(long pid, String prefix) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
                        ids.add(task.getFileName().toString());
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a thread that ended meanwhile
                }
            }
        }
        return ids;
    }
}
