package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * storescu sends several studies, one with a series that arrives after its study was sealed; once studies are stable
 * the local bucket holds one archive per batch under sendit's names, each archive (read with GNU tar) holds exactly
 * its instances, and there is exactly one metadata row per instance pointing at its object and member.
 */
class EndToEndDeliveryTest {
    static final String[] FAST = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
            "DICOM_GATEWAY_RETRY_MAXDELAY", "500ms"};

    @TempDir
    Path work;

    @Test
    void studiesArriveAsArchivesWithOneMetadataRowPerInstance() throws Exception {
        Path corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        try (Gateway gateway = TestGateway.start(spool, FAST)) {
            send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "b_4.dcm", "c_5.dcm");
            Delivered.awaitFiles(bucket, ".tar.gz", 3);
            send(gateway, corpus, "a2_3.dcm"); // late series of study A: a second batch of the same study
            Delivered.awaitFiles(bucket, ".tar.gz", 4);
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 5);
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_studies_sealed_total{gateway=\"gw-1\"} 4.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_metadata_rows_total{gateway=\"gw-1\"} 5.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_delivery_attempts_total{destination=\"local\",gateway=\"gw-1\",result=\"success\"} 8.0"), metrics);
        }

        List<Path> archives = Delivered.files(bucket, ".tar.gz");
        Map<String, List<String>> membersByObject = new HashMap<>();
        for (Path archive : archives) {
            String name = bucket.relativize(archive).toString();
            assertTrue(name.matches("Collection/DEFAULT/Entity/(E[A-Z2-7]{13})/\\1_\\d{8}_I[A-Z2-7]{13}(_p2)?\\.tar\\.gz"), name);
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzvf", archive.toString()));
            assertEquals(0, listing.exitCode(), listing.output());
            List<String> members = new ArrayList<>();
            for (String line : listing.output().split("\n")) {
                assertTrue(line.startsWith("-rw-r--r-- 0/0"), "fixed mode and owner: " + line);
                assertTrue(line.contains(" 1970-01-01 00:00 "), "fixed mtime: " + line);
                members.add(line.substring(line.lastIndexOf(' ') + 1));
            }
            membersByObject.put(archive.toUri().toString(), members);
        }
        assertEquals(1, archives.stream().filter(a -> a.getFileName().toString().endsWith("_p2.tar.gz")).count(), "late series: part 2");
        assertEquals(List.of(1, 1, 1, 2), membersByObject.values().stream().map(List::size).sorted().toList());

        List<JsonNode> rows = Delivered.rows(TestGateway.metadataOf(spool));
        assertEquals(5, rows.size(), "one row per instance");
        Set<String> sops = new HashSet<>();
        for (JsonNode row : rows) {
            sops.add(row.get("SOPInstanceUID").asText());
            String uri = row.get("object_uri").asText();
            assertTrue(membersByObject.containsKey(uri), "row points at an object: " + uri);
            String member = row.get("archive_member").asText();
            assertTrue(membersByObject.get(uri).contains(member), member + " in " + uri);
            assertEquals(row.get("SeriesInstanceUID").asText() + "/" + row.get("SOPInstanceUID").asText() + ".dcm", member);
            assertEquals("STORESCU", row.get("calling_ae").asText());
            assertEquals("gw-1", row.get("gateway_id").asText());
            assertEquals(row.get("PatientID").asText(), row.get("entity_id").asText());
            assertEquals(row.get("AccessionNumber").asText(), row.get("item_id").asText());
            assertEquals("CT", row.get("metadata").get("00080060").get("Value").get(0).asText(), "DICOM JSON model");
            assertTrue(!row.get("metadata").has("7FE00010"), "bulk data left out");
            assertTrue(row.get("InstanceNumber").asText().matches("[1-5]"), "IS as an integer: " + row.get("InstanceNumber"));
            assertTrue(row.get("metadata").get("00200013").get("Value").get(0).isIntegralNumber());
        }
        assertEquals(5, sops.size());
        try (Stream<Path> left = Files.walk(spool.resolve("batches"))) {
            assertEquals(0, left.filter(Files::isRegularFile).count(), "delivered batches leave the spool (keepDelivered 0)");
        }
        assertEquals(4, Delivered.files(spool.resolve("delivered"), ".json").size(), "manifests kept for audit");

        // the two queries of seed 002 (Cloud Healthcare API export), with only the table name changed
        Path config = Files.writeString(work.resolve("gateway.yaml"),
                "metadata:\n  local:\n    dir: " + TestGateway.metadataOf(spool) + "\n");
        String patient = rows.stream().filter(r -> r.get("InstanceNumber").asText().equals("1")).findFirst().orElseThrow()
                .get("PatientID").asText();
        String paths = Cli.run("query", "--config", config.toString(),
                "SELECT CONCAT('/dicomWeb/studies/', StudyInstanceUID, '/series/', SeriesInstanceUID, '/instances/', "
                        + "SOPInstanceUID) as DICOMwebPath FROM dicom WHERE PatientID = '" + patient + "';");
        assertTrue(paths.contains("(4 rows)"), "patient P1 has four instances: " + paths);
        assertTrue(paths.lines().filter(l -> l.startsWith("/dicomWeb/studies/2.25.")).count() == 4, paths);
        String latest = Cli.run("query", "--config", config.toString(),
                "SELECT MIN(CONCAT(StudyDate, ' ', StudyTime)) as StudyDateTime, MIN(PatientID) as PatientID, "
                        + "StudyInstanceUID, COUNT(*) as InstanceCount FROM dicom GROUP BY StudyInstanceUID "
                        + "ORDER BY StudyDateTime DESC LIMIT 20;");
        List<String> counts = latest.lines().filter(l -> l.matches("\\d{8} .*")).map(l -> l.substring(l.lastIndexOf('|') + 1).trim()).toList();
        assertEquals(List.of("1", "1", "3"), counts, "three studies, newest first; the late series counts with its study: " + latest);
    }

    @Test
    void instancesLayoutDeliversOneObjectPerInstance() throws Exception {
        Path corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
        Path spool = work.resolve("spool");
        List<String> settings = new ArrayList<>(List.of(FAST));
        settings.addAll(List.of("DICOM_GATEWAY_DESTINATION_LAYOUT", "instances"));
        try (Gateway gateway = TestGateway.start(spool, settings.toArray(String[]::new))) {
            send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "c_5.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 3);
        }
        Path bucket = TestGateway.bucketOf(spool);
        List<Path> objects = Delivered.files(bucket, ".dcm");
        assertEquals(3, objects.size());
        for (JsonNode row : Delivered.rows(TestGateway.metadataOf(spool))) {
            String expected = "Collection/DEFAULT/Entity/" + row.get("entity_id").asText() + "/" + row.get("StudyInstanceUID").asText()
                    + "/" + row.get("SeriesInstanceUID").asText() + "/" + row.get("SOPInstanceUID").asText() + ".dcm";
            assertEquals(bucket.resolve(expected).toUri().toString(), row.get("object_uri").asText());
            assertTrue(row.get("archive_member").isNull(), "no archive member in the instances layout");
            assertEquals(Files.size(bucket.resolve(expected)), row.get("object_size").asLong());
        }
    }

    @Test
    void restartNeitherForgetsAnOpenStudyNorSealsItEarly() throws Exception {
        Path corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
        Path spool = work.resolve("spool");
        String[] stableAfter4s = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "4s"};
        long sent;
        try (Gateway gateway = TestGateway.start(spool, stableAfter4s)) {
            send(gateway, corpus, "c_5.dcm");
            sent = System.nanoTime();
        }
        try (Gateway restarted = TestGateway.start(spool, stableAfter4s)) {
            Thread.sleep(Math.max(0, 2_000 - (System.nanoTime() - sent) / 1_000_000));
            assertEquals(0, Delivered.files(spool.resolve("batches"), "manifest.json").size(), "not sealed early");
            assertTrue(restarted.registry().scrape().contains("dicom_gateway_studies_open{gateway=\"gw-1\"} 1.0"),
                    "the open study survived the restart");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
            assertTrue((System.nanoTime() - sent) / 1_000_000 >= 4_000, "sealed only after stableAfter");
        }
    }

    static void send(Gateway gateway, Path corpus, String... names) throws Exception {
        List<Path> files = java.util.Arrays.stream(names).map(corpus::resolve).toList();
        Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
        assertEquals(files, report.stored(), report.result().output());
    }
}
