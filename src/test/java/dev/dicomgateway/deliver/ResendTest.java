package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PACS re-pushes studies routinely: what was delivered once is not delivered again (no new object, no new row), a
 * changed instance is delivered as its next version and counted once, and a resend that races the seal or arrives
 * while the batch waits for delivery is delivered once.
 */
class ResendTest {
    @TempDir
    Path work;
    private Path corpus;

    @BeforeEach
    void makeCorpus() throws Exception {
        corpus = RelationshipCorpus.make(work.resolve("corpus"));
    }

    @Test
    void identicalResendIsAcknowledgedNotDeliveredAgainAndAChangedInstanceIsTheNextVersion() throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        try (Gateway gateway = TestGateway.start(spool, EndToEndDeliveryTest.FAST)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            Delivered.awaitFiles(bucket, ".tar.gz", 1);
            Delivered.awaitMetadataRows(metadata, 2);
            awaitEmpty(spool.resolve("incoming"));

            for (int round = 1; round <= 3; round++) { // sent again, identically, three times
                EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
                assertEquals(2.0 * round, duplicates(gateway, "delivered"), gateway.registry().scrape());
            }
            Thread.sleep(3000); // three times study.stableAfter: a staged resend would have been sealed by now
            assertEquals(0, dcmFiles(spool.resolve("incoming")), "an identical resend is not staged");
            assertEquals(1, Delivered.files(bucket, ".tar.gz").size(), "no new object");
            assertEquals(2, Delivered.rows(metadata).size(), "no new row");
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_studies_sealed_total{gateway=\"gw-1\"} 1.0"));

            Path changed = work.resolve("a1_2-changed.dcm");
            Files.copy(corpus.resolve("a1_2.dcm"), changed);
            Dcmtk.Result modify = Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0020,0013)=99", changed.toString()));
            assertEquals(0, modify.exitCode(), modify.output());
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm"); // unchanged: not delivered again
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(changed));
            assertEquals(List.of(changed), report.stored(), report.result().output());
            Delivered.awaitFiles(bucket, ".tar.gz", 2);
            Delivered.awaitMetadataRows(metadata, 3);
        }
        List<JsonNode> rows = Delivered.rows(metadata);
        assertEquals(3, rows.size(), "one new row: the changed instance's second version");
        Map<String, List<Integer>> versions = new TreeMap<>();
        for (JsonNode row : rows) {
            versions.computeIfAbsent(row.get("SOPInstanceUID").asText(), k -> new java.util.ArrayList<>())
                    .add(row.get("instance_version").asInt());
        }
        assertEquals(2, versions.size(), versions.toString());
        assertTrue(versions.containsValue(List.of(1)), versions.toString());
        assertTrue(versions.values().stream().anyMatch(v -> v.stream().sorted().toList().equals(List.of(1, 2))),
                versions.toString());

        LocalMetadataQuery.Result latest = LocalMetadataQuery.run(metadata,
                "SELECT count(*), count(DISTINCT SOPInstanceUID), max(instance_version) FROM dicom");
        assertEquals(List.of("2", "2", "2"), latest.rows().get(0), "the dicom table holds the latest version only");
        LocalMetadataQuery.Result newest = LocalMetadataQuery.run(metadata,
                "SELECT InstanceNumber FROM dicom WHERE instance_version = 2");
        assertEquals(List.of(List.of("99")), newest.rows(), "the latest version is the changed content");
        LocalMetadataQuery.Result all = LocalMetadataQuery.run(metadata, "SELECT count(*) FROM dicom_versions");
        assertEquals(List.of(List.of("3")), all.rows());

        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        String json = dev.dicomgateway.testing.Cli.run("status", "--json", "--config", config.toString());
        assertTrue(json.contains("\"delivered_instances\" : 2") && json.contains("\"instances_with_later_versions\" : 1")
                && json.contains("\"sealed_instances_undelivered\" : 0"), json);
        String text = dev.dicomgateway.testing.Cli.run("status", "--config", config.toString());
        assertTrue(text.matches("(?s).*delivered instances\\s+2 \\(1 .*"), text);
    }

    @Test
    void resentWhileItsBatchWaitsForDeliveryIsDeliveredOnce() throws Exception {
        Path spool = work.resolve("spool");
        OutageTest.UnreliableStore store = new OutageTest.UnreliableStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        store.failuresLeft.set(Integer.MAX_VALUE);
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), EndToEndDeliveryTest.FAST)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            awaitManifests(spool.resolve("batches"), 1);
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            assertEquals(2.0, duplicates(gateway, "sealed"), gateway.registry().scrape());
            assertEquals(0, dcmFiles(spool.resolve("incoming")));
            store.failuresLeft.set(0);
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
            Thread.sleep(3000);
            assertEquals(1, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size());
            assertEquals(2, Delivered.rows(TestGateway.metadataOf(spool)).size());
        }
    }

    @Test
    void aCopyThatRacedTheSealIntoIncomingIsDroppedWhenItsStudyIsSealed() throws Exception {
        Path spool = work.resolve("spool");
        OutageTest.UnreliableStore store = new OutageTest.UnreliableStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        store.failuresLeft.set(Integer.MAX_VALUE);
        Path batch;
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), EndToEndDeliveryTest.FAST)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            batch = awaitManifests(spool.resolve("batches"), 1).get(0).getParent();
        }
        // what a resend staged in the instant between the seal's move and its index record leaves: the same content
        // again under incoming/ (the stager's lookup found nothing yet)
        Path files = batch.resolve("files");
        Path study = spool.resolve("incoming").resolve(Files.readAllLines(batch.resolve("study.key")).get(0))
                .resolve(Files.readAllLines(batch.resolve("study.key")).get(1))
                .resolve(Files.readAllLines(batch.resolve("study.key")).get(2));
        try (Stream<Path> staged = Files.walk(files)) {
            for (Path file : staged.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                Path copy = study.resolve(files.relativize(file));
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        store.failuresLeft.set(0);
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), EndToEndDeliveryTest.FAST)) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
            awaitEmpty(spool.resolve("incoming"));
            Thread.sleep(2000);
            assertEquals(2.0, duplicates(gateway, "sealed") + duplicates(gateway, "delivered"), gateway.registry().scrape());
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_studies_sealed_total{gateway=\"gw-1\"} 0.0"),
                    "the copies made no batch of their own");
        }
        assertEquals(1, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size());
        assertEquals(2, Delivered.rows(TestGateway.metadataOf(spool)).size());
    }

    /**
     * Another writer of the index at the moment a study seals (an operator's sqlite3 session, a second gateway
     * command) held its write lock for longer than SQLite waits: the new batch used to be set aside into failed/ at
     * once, and after `retry` it was delivered without being recorded, so the next identical resend was delivered a
     * second time. It must wait, be delivered once the index is free, and its resend be recognised; meanwhile
     * C-STORE goes on (the stager's lookups never queue behind a write that waits).
     */
    @Test
    void aSealThatMeetsAnotherWriterOfTheIndexIsDeliveredOnceTheIndexIsFreeAndItsResendIsRecognised() throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        try (Gateway gateway = TestGateway.start(spool, EndToEndDeliveryTest.FAST)) {
            try (java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                    + spool.resolve("state/instances.sqlite"));
                 java.sql.Statement statement = other.createStatement()) {
                statement.execute("BEGIN IMMEDIATE"); // the other writer holds the index's write lock
                long locked = System.nanoTime();
                EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm"); // staging only reads the index
                Thread.sleep(3000); // study A is complete and its seal waits for the index
                long sending = System.nanoTime();
                EndToEndDeliveryTest.send(gateway, corpus, "b_4.dcm");
                long seconds = (System.nanoTime() - sending) / 1_000_000_000L;
                assertTrue(seconds < 5, "a C-STORE waited " + seconds + " s behind a seal waiting for the index");
                long until = locked + 12_000_000_000L; // past SQLite's busy timeout (10 s)
                while (System.nanoTime() < until) {
                    assertEquals(List.of(), Delivered.files(spool.resolve("failed"), "manifest.json"),
                            "a locked index is no reason to give a batch up");
                    Thread.sleep(200);
                }
                assertEquals(List.of(), Delivered.files(bucket, ".tar.gz"), "nothing delivered before it is recorded");
                statement.execute("ROLLBACK");
            }
            Delivered.awaitFiles(bucket, ".tar.gz", 2);
            Delivered.awaitMetadataRows(metadata, 3);
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "b_4.dcm");
            assertEquals(3.0, duplicates(gateway, "delivered"), gateway.registry().scrape());
            Thread.sleep(3000); // three times study.stableAfter: a staged resend would have been sealed and delivered
            assertEquals(2, Delivered.files(bucket, ".tar.gz").size(), "no second object");
            assertEquals(3, Delivered.rows(metadata).size(), "no second row");
            assertEquals(List.of(), Delivered.files(spool.resolve("failed"), "manifest.json"));
        }
    }

    /**
     * In the instances layout every instance is its own object, named by destination.instanceTemplate from its UIDs:
     * a changed instance's second version had the first one's name, the store refused to overwrite it (a permanent
     * conflict), and the batch went to failed/ for good; `retry` met the same conflict, and the index held it as
     * sealed, so its resend was acknowledged and never delivered. The second version is an object of its own.
     */
    @Test
    void inTheInstancesLayoutAChangedInstanceIsAnObjectBesideItsFirstVersion() throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        List<String> settings = new java.util.ArrayList<>(List.of(EndToEndDeliveryTest.FAST));
        settings.addAll(List.of("DICOM_GATEWAY_DESTINATION_LAYOUT", "instances"));
        Path changed = work.resolve("a1_2-changed.dcm");
        Files.copy(corpus.resolve("a1_2.dcm"), changed);
        Dcmtk.Result modify = Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0020,0013)=99", changed.toString()));
        assertEquals(0, modify.exitCode(), modify.output());
        try (Gateway gateway = TestGateway.start(spool, settings.toArray(String[]::new))) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            Delivered.awaitMetadataRows(metadata, 2);
            List<Path> first = Delivered.files(bucket, ".dcm");
            assertEquals(2, first.size(), first.toString());
            Map<Path, byte[]> firstBytes = new java.util.HashMap<>();
            for (Path object : first) {
                firstBytes.put(object, Files.readAllBytes(object));
            }
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(changed));
            assertEquals(List.of(changed), report.stored(), report.result().output());
            Delivered.awaitMetadataRows(metadata, 3);
            assertEquals(List.of(), Delivered.files(spool.resolve("failed"), "manifest.json"), "no conflict");
            List<Path> objects = Delivered.files(bucket, ".dcm");
            assertEquals(3, objects.size(), objects.toString());
            for (Path object : first) {
                assertTrue(java.util.Arrays.equals(firstBytes.get(object), Files.readAllBytes(object)), "v1 untouched");
            }
            Path second = objects.stream().filter(o -> !first.contains(o)).findFirst().orElseThrow();
            assertTrue(second.getFileName().toString().endsWith("_v2.dcm"), second.toString());
            JsonNode row = Delivered.rows(metadata).stream().filter(r -> r.get("instance_version").asInt() == 2)
                    .findFirst().orElseThrow();
            assertTrue(row.get("object_uri").asText().endsWith(bucket.relativize(second).toString()), row.toString());
        }
    }

    static double duplicates(Gateway gateway, String stage) {
        String prefix = "dicom_gateway_instances_duplicate_total{gateway=\"gw-1\",stage=\"" + stage + "\"} ";
        for (String line : gateway.registry().scrape().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(prefix.length()));
            }
        }
        return 0;
    }

    static long dcmFiles(Path directory) throws Exception {
        return Delivered.files(directory, ".dcm").size();
    }

    static void awaitEmpty(Path incoming) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (dcmFiles(incoming) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("incoming/ still holds " + Delivered.files(incoming, ".dcm"));
            }
            Thread.sleep(100);
        }
    }

    static List<Path> awaitManifests(Path batches, int count) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            List<Path> manifests = Delivered.files(batches, "manifest.json");
            if (manifests.size() >= count) {
                return manifests;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " sealed batches in " + batches + ", found " + manifests);
            }
            Thread.sleep(100);
        }
    }
}
