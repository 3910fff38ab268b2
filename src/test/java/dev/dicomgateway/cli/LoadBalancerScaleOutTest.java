package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.HaproxyProcess;
import dev.dicomgateway.testing.InstanceFiles;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale out on real parts: two gateway processes (separate spools, the same secret, one shared local destination)
 * behind HAProxy in TCP mode with a /readyz health check. One study goes through the balancer over several
 * associations; the gateway carrying an association mid-instance is SIGKILLed, the sender sends the unacknowledged
 * chunk again and HAProxy hands it to the other gateway. Restarted on its spool, the killed gateway delivers what it
 * had acknowledged. The rows of both gateways' batches then carry the same pseudonyms and cover every instance once.
 */
class LoadBalancerScaleOutTest {
    private static final int INSTANCES = 48;
    private static final int PER_ASSOCIATION = 6;
    private static final String SECRET = "6b1f0c3e9a5d4e2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";

    @TempDir
    Path work;

    @Test
    void aStudySplitAcrossTwoGatewaysArrivesOnceWithTheSamePseudonymsThoughOneIsKilledMidway() throws Exception {
        List<Path> files = InstanceFiles.ct(work.resolve("source"), "1.2.826.0.1.3680043.10.913", 1, INSTANCES, 64 * 1024);
        List<List<Path>> chunks = new ArrayList<>();
        for (int i = 0; i < files.size(); i += PER_ASSOCIATION) {
            chunks.add(files.subList(i, Math.min(files.size(), i + PER_ASSOCIATION)));
        }
        Path bucket = work.resolve("shared-bucket");
        Path metadata = work.resolve("shared-metadata");
        Node a = new Node("gw-a", work.resolve("spool-a"), SECRET, bucket, metadata);
        Node b = new Node("gw-b", work.resolve("spool-b"), SECRET, bucket, metadata);
        Map<String, Node> nodes = Map.of(a.id, a, b.id, b);
        a.start();
        b.start();
        try (HaproxyProcess haproxy = HaproxyProcess.start(work, List.of(a.backend(), b.backend()))) {
            haproxy.awaitStatus(a.id, "UP", Duration.ofSeconds(10));
            haproxy.awaitStatus(b.id, "UP", Duration.ofSeconds(10));
            int chunk = 0;
            for (; chunk < 3; chunk++) {
                send(haproxy.port(), chunks.get(chunk));
            }

            // a sender is mid-instance when the gateway carrying its association dies: nothing of it was acknowledged
            Node killed;
            List<Path> interrupted = chunks.get(chunk++);
            try (RawScu stalled = RawScu.associated(haproxy.port(), TestGateway.AE_TITLE, "STORESCU")) {
                byte[] dataSet = dev.dicomgateway.testing.Part10.dataSet(interrupted.get(0));
                String sop = interrupted.get(0).getFileName().toString().replace(".dcm", "");
                stalled.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sop)));
                stalled.send(RawScu.pData(false, false, java.util.Arrays.copyOf(dataSet, dataSet.length / 2)));
                killed = nodes.get(carrier(haproxy));
                killed.process.kill();
                stalled.setTimeoutMillis(5_000);
                assertTrue(stalled.closedByPeer(), "the balancer closes the association of the killed gateway");
            }
            Node survivor = killed == a ? b : a;
            int undeliveredAtKill = Delivered.files(killed.spool.resolve("incoming"), ".dcm").size()
                    + Delivered.files(killed.spool.resolve("batches"), ".dcm").size();
            assertTrue(undeliveredAtKill > 0, "the killed gateway held acknowledged instances it had not yet delivered");

            // the sender (as a PACS would) sends the unacknowledged chunk again: the balancer finds the other gateway
            int attempts = send(haproxy.port(), interrupted);
            for (; chunk < chunks.size(); chunk++) {
                send(haproxy.port(), chunks.get(chunk));
            }
            haproxy.awaitStatus(killed.id, "DOWN", Duration.ofSeconds(5));

            // restarted on its spool (and its ports), it delivers what it acknowledged and rejoins the balancer
            killed.start();
            haproxy.awaitStatus(killed.id, "UP", Duration.ofSeconds(15));
            awaitIdle(a.spool, b.spool);
            System.out.printf("killed %s holding %d undelivered instances; interrupted chunk stored in %d attempt(s)%n",
                    killed.id, undeliveredAtKill, attempts);

            List<JsonNode> rows = Delivered.rows(metadata);
            assertEquals(1, distinct(rows, "entity_id").size(), "one pseudonymous patient: " + distinct(rows, "entity_id"));
            assertEquals(1, distinct(rows, "item_id").size(), "one pseudonymous study: " + distinct(rows, "item_id"));
            assertEquals(1, distinct(rows, "StudyInstanceUID").size(), "one de-identified Study Instance UID");
            assertEquals(Set.of(a.id, b.id), distinct(rows, "gateway_id"), "both gateways delivered part of the study");
            assertEquals(INSTANCES, rows.size(), "one row per instance: " + rowsPerBatch(rows));
            assertEquals(INSTANCES, distinct(rows, "SOPInstanceUID").size(), "no instance twice: " + rowsPerBatch(rows));
            assertFalse(distinct(rows, "SOPInstanceUID").stream().anyMatch(sop -> sop.startsWith("1.2.826.0.1.3680043.10.913")),
                    "de-identified UIDs");
            assertObjectsIntact(bucket, rows);
            survivor.process.close();
            killed.process.close();
        } finally {
            a.stop();
            b.stop();
        }
    }

    /** Sends {@code chunk} over one association after another until every instance was answered Success; the attempts. */
    private static int send(int port, List<Path> chunk) throws Exception {
        List<Path> left = new ArrayList<>(chunk);
        for (int attempt = 1; attempt <= 10; attempt++) {
            Dcmtk.StoreReport report = Dcmtk.storescu(port, TestGateway.AE_TITLE, "-xe", left);
            left.removeAll(report.stored());
            if (left.isEmpty()) {
                return attempt;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(left.size() + " instances never acknowledged through the balancer");
    }

    /** The gateway that carries the one open association through the balancer. */
    private static String carrier(HaproxyProcess haproxy) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, Integer> server : haproxy.sessions().entrySet()) {
                if (server.getValue() == 1) {
                    return server.getKey();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no gateway carries the association: " + haproxy.sessions());
    }

    /**
     * Every object a row names is in the shared bucket with the row's size and checksum (no gateway replaced
     * another's), one archive per batch, and its members are exactly the rows' archive members.
     */
    private static void assertObjectsIntact(Path bucket, List<JsonNode> rows) throws Exception {
        Map<String, Set<String>> membersByObject = new TreeMap<>();
        Set<String> batches = new HashSet<>();
        for (JsonNode row : rows) {
            Path object = Path.of(java.net.URI.create(row.get("object_uri").asText()));
            assertTrue(object.startsWith(bucket), object.toString());
            assertEquals(row.get("object_size").asLong(), Files.size(object), object + ": size");
            assertEquals(row.get("object_crc32c").asText(), dev.dicomgateway.deliver.Checksums.of(object).crc32c(),
                    object + ": checksum");
            membersByObject.computeIfAbsent(object.toString(), o -> new HashSet<>()).add(row.get("archive_member").asText());
            batches.add(row.get("gateway_id").asText() + "/" + row.get("batch_id").asText());
        }
        assertTrue(batches.size() >= 2, "the study arrived as several batches: " + batches);
        assertEquals(batches.size(), membersByObject.size(), "one archive per batch: " + membersByObject.keySet());
        assertEquals(batches.size(), Delivered.files(bucket, ".tar.gz").size(), "no other object in the bucket");
        assertTrue(membersByObject.keySet().stream().anyMatch(name -> name.matches(".*_gw-[ab]\\.tar\\.gz")),
                "each gateway's first batch is part 1 of the study: the second to store one took a name of its own: "
                        + membersByObject.keySet());
        for (Map.Entry<String, Set<String>> object : membersByObject.entrySet()) {
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", object.getKey()));
            assertEquals(0, listing.exitCode(), listing.output());
            assertEquals(object.getValue(), Set.of(listing.output().strip().split("\n")), object.getKey() + ": members");
        }
    }

    /** Waits until neither spool holds an instance or batch left to deliver. */
    private static void awaitIdle(Path... spools) throws Exception {
        long deadline = System.nanoTime() + 40_000_000_000L;
        while (true) {
            int left = 0;
            for (Path spool : spools) {
                // a batch being sealed has its files but not yet its manifest: count both
                left += Delivered.files(spool.resolve("incoming"), ".dcm").size()
                        + Delivered.files(spool.resolve("batches"), ".dcm").size()
                        + Delivered.files(spool.resolve("batches"), ".json").size();
                assertEquals(List.of(), Delivered.files(spool.resolve("failed"), ".json"), "no batch failed");
            }
            if (left == 0) {
                Thread.sleep(300); // the last batch's cleanup after its rows
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(left + " instances and batches still undelivered");
            }
            Thread.sleep(100);
        }
    }

    private static Set<String> distinct(List<JsonNode> rows, String column) {
        Set<String> values = new HashSet<>();
        rows.forEach(row -> values.add(row.get(column).asText()));
        return values;
    }

    private static Map<String, Integer> rowsPerBatch(List<JsonNode> rows) {
        Map<String, Integer> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(r.get("gateway_id").asText() + "/" + r.get("batch_id").asText(), 1, Integer::sum));
        return counts;
    }

    private static void assertFalse(boolean condition, String message) {
        assertTrue(!condition, message);
    }

    /** One gateway of the deployment: its own spool and ports, the site's secret, the shared destinations. */
    private static final class Node {
        final String id;
        final Path spool;
        final String[] environment;
        final int dicomPort;
        final int httpPort;
        GatewayProcess process;

        Node(String id, Path spool, String secret, Path bucket, Path metadata) throws Exception {
            this.id = id;
            this.spool = spool;
            this.dicomPort = GatewayProcess.freePort();
            this.httpPort = GatewayProcess.freePort();
            Path key = spool.resolve("private").resolve("deidentify.key");
            Files.createDirectories(key.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    secret + "\n");
            this.environment = new String[] {"DICOM_GATEWAY_GATEWAY_ID", id,
                    "DICOM_GATEWAY_DICOM_PORT", String.valueOf(dicomPort), "DICOM_GATEWAY_HTTP_PORT", String.valueOf(httpPort),
                    "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", key.toString(),
                    "DICOM_GATEWAY_DESTINATION_LOCAL_DIR", bucket.toString(),
                    "DICOM_GATEWAY_METADATA_LOCAL_DIR", metadata.toString(),
                    // long enough that the node killed still holds its part of the study, unsealed
                    "DICOM_GATEWAY_STUDY_STABLEAFTER", "5s",
                    "DICOM_GATEWAY_RETRY_INITIALDELAY", "200ms", "DICOM_GATEWAY_RETRY_MAXDELAY", "1s"};
        }

        HaproxyProcess.Backend backend() {
            return new HaproxyProcess.Backend(id, dicomPort, httpPort);
        }

        void start() throws Exception {
            process = GatewayProcess.start(spool, spool.resolveSibling(id + ".log"), environment);
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.close();
            }
        }
    }
}
