package dev.dicomgateway.deliver.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.FakeBigQuery;
import dev.dicomgateway.testing.FakeGcs;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metadata.type=bigquery with the real google-cloud-bigquery client against an HTTP-level stand-in of the BigQuery
 * REST API (and destination.type=gcs against the Cloud Storage stand-in): rows arrive once per instance, typed, valid
 * against the schema the gateway created, pointing at their objects; transient faults end in the same state as none;
 * 403 is dead-lettered with the roles to grant and `retry` finishes once it is fixed.
 */
class BigQueryDeliveryTest {
    static final String PROJECT = "research-project";
    static final String DATASET = "imaging";
    static final String BUCKET = "research-bucket";

    @TempDir
    Path work;

    static List<String> settings(FakeGcs gcs, FakeBigQuery bigquery, String loadInterval) {
        return List.of("DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
                "DICOM_GATEWAY_RETRY_MAXDELAY", "500ms",
                "DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", BUCKET,
                "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", gcs.endpoint(), "DICOM_GATEWAY_DESTINATION_GCS_PROJECT", PROJECT,
                "DICOM_GATEWAY_METADATA_TYPE", "bigquery", "DICOM_GATEWAY_METADATA_BIGQUERY_DATASET", DATASET,
                "DICOM_GATEWAY_METADATA_BIGQUERY_ENDPOINT", bigquery.endpoint(),
                "DICOM_GATEWAY_METADATA_BIGQUERY_LOADINTERVAL", loadInterval);
    }

    private static Gateway start(Path spool, FakeGcs gcs, FakeBigQuery bigquery, String loadInterval, String... more)
            throws Exception {
        List<String> all = new ArrayList<>(settings(gcs, bigquery, loadInterval));
        all.addAll(List.of(more));
        return TestGateway.start(spool, all.toArray(String[]::new));
    }

    static List<Map<String, Object>> awaitRows(FakeBigQuery bigquery, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (bigquery.rows(PROJECT, DATASET, "dicom").size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        List<Map<String, Object>> rows = bigquery.rows(PROJECT, DATASET, "dicom");
        assertEquals(count, rows.size(), "rows in the BigQuery stand-in");
        return rows;
    }

    /** Waits until no batch is left in batches/ (all delivered and cleaned up). */
    static void awaitNothingPending(Path spool) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Delivered.files(spool.resolve("batches"), "manifest.json").isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertTrue(Delivered.files(spool.resolve("batches"), "manifest.json").isEmpty(), "every batch delivered");
    }

    @Test
    void rowsArriveOncePerInstanceTypedAndPointingAtTheirObjects() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (FakeGcs gcs = new FakeGcs(BUCKET); FakeBigQuery bigquery = new FakeBigQuery();
             Gateway gateway = start(spool, gcs, bigquery, "3s")) {
            send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "b_4.dcm", "c_5.dcm");
            List<Map<String, Object>> rows = awaitRows(bigquery, 4);
            awaitNothingPending(spool);

            assertTrue(bigquery.hasDataset(PROJECT, DATASET), "dataset created");
            FakeBigQuery.StoredTable table = bigquery.table(PROJECT, DATASET, "dicom");
            assertEquals("received_at", table.resource.path("timePartitioning").path("field").asText());
            assertEquals("DAY", table.resource.path("timePartitioning").path("type").asText());
            assertEquals("[\"entity_id\",\"StudyInstanceUID\"]", table.resource.path("clustering").path("fields").toString());
            Map<String, String> types = new java.util.HashMap<>();
            table.resource.path("schema").path("fields").forEach(f -> types.put(f.path("name").asText(), f.path("type").asText()));
            assertEquals("DATE", types.get("StudyDate"));
            assertEquals("TIME", types.get("StudyTime"));
            assertEquals("STRING", types.get("SeriesNumber"), "IS is STRING, as in the Healthcare API export");
            assertEquals("INTEGER", types.get("Rows"));
            assertEquals("TIMESTAMP", types.get("received_at"));
            assertEquals("JSON", types.get("metadata"));
            FakeBigQuery.StoredTable view = bigquery.table(PROJECT, DATASET, "studies");
            assertTrue(view.resource.path("view").path("query").asText().contains("COUNT(DISTINCT SOPInstanceUID)"));

            assertTrue(bigquery.loadJobsRun() < 3, "three batches coalesced into fewer load jobs: " + bigquery.loadJobsRun());
            assertEquals(3, gcs.objects().size());
            for (Map<String, Object> row : rows) {
                String uri = (String) row.get("object_uri");
                assertTrue(gcs.objects().containsKey(uri.substring(("gs://" + BUCKET + "/").length())), uri);
                assertTrue(row.get("archive_member").toString().endsWith(row.get("SOPInstanceUID") + ".dcm"), row.toString());
                assertTrue(row.get("StudyDate").toString().matches("\\d{4}-\\d{2}-\\d{2}"), row.toString());
                assertEquals("10:15:00", row.get("StudyTime"), "the time is not shifted, only reformatted");
                assertEquals("8", row.get("Rows"));
                assertTrue(row.get("entity_id").toString().matches("E[A-Z2-7]{13}"), row.toString());
                assertEquals(row.get("entity_id"), row.get("PatientID"));
                Map<?, ?> metadata = (Map<?, ?>) row.get("metadata");
                assertEquals(row.get("SOPInstanceUID"), ((List<?>) ((Map<?, ?>) metadata.get("00080018")).get("Value")).get(0));
            }
            assertEquals(4, new HashSet<>(rows.stream().map(r -> r.get("SOPInstanceUID")).toList()).size());
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("destination=\"bigquery\",gateway=\"gw-1\",result=\"success\""), metrics);
        }
        assertTrue(Delivered.files(spool.resolve("state").resolve("bigquery").resolve("queue"), ".ndjson").isEmpty(),
                "queue files go once their load is done");
    }

    @Test
    void valuesThatDoNotFitTheirTypeAreNullAndStayInMetadata() throws Exception {
        Path spool = work.resolve("spool");
        Path file = work.resolve("odd.dcm");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "-c", String.join("\n",
                "import sys",
                "from pydicom.dataset import Dataset, FileMetaDataset",
                "from pydicom.uid import ExplicitVRLittleEndian",
                "ds = Dataset()",
                "ds.file_meta = FileMetaDataset()",
                "ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian",
                "ds.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'",
                "ds.file_meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.10.546.77.1'",
                "ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.7'",
                "ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.546.77.1'",
                "ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.546.77'",
                "ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.546.77.2'",
                "ds.PatientID = 'ODD'",
                "ds.Modality = 'OT'",
                "ds.StudyDate = '20231345'",
                "ds.SeriesDate = '2023.01.02'",
                "ds.StudyTime = 'noon'",
                "ds.SeriesTime = '2460'",
                "ds.save_as(sys.argv[1], write_like_original=False)"), file.toString()));
        assertEquals(0, made.exitCode(), made.output());
        try (FakeGcs gcs = new FakeGcs(BUCKET); FakeBigQuery bigquery = new FakeBigQuery();
             Gateway gateway = start(spool, gcs, bigquery, "500ms", TestGateway.PASSTHROUGH)) {
            Dcmtk.Result sent = Dcmtk.run(List.of("storescu", "-aec", TestGateway.AE_TITLE, "127.0.0.1",
                    String.valueOf(gateway.dicomPort()), file.toString()));
            assertEquals(0, sent.exitCode(), sent.output());
            Map<String, Object> row = awaitRows(bigquery, 1).get(0);
            assertNull(row.get("StudyDate"), "20231345 is no date");
            assertEquals("2023-01-02", row.get("SeriesDate"), "the ACR-NEMA form is read");
            assertNull(row.get("StudyTime"));
            assertNull(row.get("SeriesTime"), "24:60 is no time");
            Map<?, ?> metadata = (Map<?, ?>) row.get("metadata");
            assertEquals("20231345", ((List<?>) ((Map<?, ?>) metadata.get("00080020")).get("Value")).get(0));
            assertEquals("noon", ((List<?>) ((Map<?, ?>) metadata.get("00080030")).get("Value")).get(0));
        }
    }

    @Test
    void transientFaultsEndInTheSameStateAsNoFault() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (FakeGcs gcs = new FakeGcs(BUCKET);
             FakeBigQuery bigquery = new FakeBigQuery().failingNext(FakeBigQuery.Target.TABLES, 500, 4); // at start-up
             Gateway gateway = start(spool, gcs, bigquery, "300ms")) {
            awaitTable(bigquery);
            bigquery.failTarget = FakeBigQuery.Target.UPLOADS;
            bigquery.failStatus = 503;
            bigquery.failNext.set(4);
            send(gateway, corpus, "a1_1.dcm");
            awaitRows(bigquery, 1);

            bigquery.failStatus = 0; // connection reset
            bigquery.failNext.set(3);
            bigquery.slowMillis = 200;
            send(gateway, corpus, "b_4.dcm");
            awaitRows(bigquery, 2);
            bigquery.slowMillis = 0;

            bigquery.loseNextJobAnswer.set(3); // the job runs, its answer is lost (client retries too): the id is looked up
            bigquery.failNextJobs.set(1); // and first, a job that ends in backendError: nothing loaded, a new job
            send(gateway, corpus, "c_5.dcm");
            awaitRows(bigquery, 3);

            bigquery.failTarget = FakeBigQuery.Target.JOB_LOOKUPS;
            bigquery.failStatus = 429;
            bigquery.failNext.set(3);
            bigquery.jobRunMillis = 700; // jobs run a while: looked up (and refused 429) before they are done
            send(gateway, corpus, "a1_2.dcm");
            awaitRows(bigquery, 4);
            awaitNothingPending(spool);
            Thread.sleep(1_000); // a duplicate would arrive with a later load
            List<Map<String, Object>> rows = bigquery.rows(PROJECT, DATASET, "dicom");
            assertEquals(4, rows.size(), "one row per instance, whatever the faults");
            assertEquals(4, new HashSet<>(rows.stream().map(r -> r.get("SOPInstanceUID")).toList()).size());
            assertEquals(4 + 4 + 3 + 3 + 1 + 3, bigquery.faultsInjected(), "every injected fault was met");
            assertTrue(gateway.registry().scrape().contains("destination=\"bigquery\",gateway=\"gw-1\",result=\"transient\""));
        }
    }

    @Test
    void aBatchFinishesAsSoonAsItsLoadIsDoneNotAfterTheOutagesBackoff() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (FakeGcs gcs = new FakeGcs(BUCKET); FakeBigQuery bigquery = new FakeBigQuery();
             Gateway gateway = start(spool, gcs, bigquery, "300ms", "DICOM_GATEWAY_RETRY_INITIALDELAY", "60s",
                     "DICOM_GATEWAY_RETRY_MAXDELAY", "30m")) {
            awaitTable(bigquery);
            bigquery.failingNext(FakeBigQuery.Target.UPLOADS, 503, 6); // two load cycles fail (3 client tries each)
            send(gateway, corpus, "c_5.dcm");
            awaitRows(bigquery, 1);
            Instant loaded = Instant.now();
            awaitNothingPending(spool);
            assertTrue(Duration.between(loaded, Instant.now()).toSeconds() < 15,
                    "done within seconds of its load, not after retry.initialDelay (60 s)");
            assertEquals(6, bigquery.faultsInjected());
        }
    }

    @Test
    void forbiddenIsDeadLetteredWithTheRolesToGrantAndRetryFinishesOnceFixed() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        try (FakeGcs gcs = new FakeGcs(BUCKET); FakeBigQuery bigquery = new FakeBigQuery();
             Gateway gateway = start(spool, gcs, bigquery, "300ms")) {
            awaitTable(bigquery);
            bigquery.denyAll = true;
            send(gateway, corpus, "c_5.dcm");
            Delivered.awaitFiles(spool.resolve("failed"), ".json", 1);
            String status = Cli.run("status", "--config", config.toString());
            assertTrue(status.contains("roles/bigquery.dataEditor") && status.contains("roles/bigquery.jobUser"),
                    "actionable reason: " + status);
            assertEquals(1, gcs.objects().size(), "the object was stored before the metadata step failed");
            bigquery.denyAll = false;
            Cli.run("retry", "--all", "--config", config.toString());
            awaitRows(bigquery, 1);
            awaitNothingPending(spool);
            assertEquals(1, gcs.objects().size(), "the object is not uploaded again");
        }
    }

    @Test
    void checkCreatesWhatIsMissingProvesJobsRunAndNamesTheFix() throws Exception {
        try (FakeBigQuery bigquery = new FakeBigQuery()) {
            Path config = Files.writeString(work.resolve("gateway.yaml"), String.join("\n",
                    "collection: research_imaging",
                    "spool:", "  dir: " + work.resolve("spool"), "  minFreeBytes: 0",
                    "deidentify:", "  secretFile: " + work.resolve("key"),
                    "destination:", "  local:", "    dir: " + work.resolve("bucket"),
                    "metadata:", "  type: bigquery", "  bigquery:", "    project: " + PROJECT,
                    "    endpoint: " + bigquery.endpoint(), ""));
            String ok = Cli.run("check", "--config", config.toString());
            assertTrue(ok.contains("dataset research_imaging created"), "the dataset defaults to the collection: " + ok);
            assertTrue(ok.contains("table dicom created") && ok.contains("view studies created"), ok);
            assertTrue(ok.contains("accepts jobs"), ok);
            assertTrue(ok.lines().allMatch(l -> l.startsWith("ok")), ok);
            String again = Cli.run("check", "--config", config.toString());
            assertTrue(again.contains("table dicom present with every column"), again);
            Cli.Output query = Cli.execute("query", "--config", config.toString(), "SELECT 1");
            assertEquals(1, query.exitCode());
            assertTrue(query.err().contains("`" + PROJECT + ".research_imaging.dicom`"), "points at the table: " + query.err());

            bigquery.projects = java.util.Set.of("another-project");
            Cli.Output wrongProject = Cli.execute("check", "--config", config.toString());
            assertEquals(1, wrongProject.exitCode());
            assertTrue(wrongProject.out().contains("FAILED bigquery table")
                    && wrongProject.out().contains("check metadata.bigquery.project (" + PROJECT + ")"), wrongProject.out());
            bigquery.projects = null;

            bigquery.denyAll = true;
            Cli.Output denied = Cli.execute("check", "--config", config.toString());
            assertEquals(1, denied.exitCode());
            assertTrue(denied.out().contains("FAILED bigquery table") && denied.out().contains("roles/bigquery.dataEditor"),
                    denied.out());
        }
    }

    @Test
    void withoutApplicationDefaultCredentialsTheGatewayRefusesToStartAndSaysWhy() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("GOOGLE_APPLICATION_CREDENTIALS") == null,
                "this machine has Application Default Credentials");
        java.io.IOException bigquery = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TestGateway.start(work.resolve("spool-bq"), "DICOM_GATEWAY_METADATA_TYPE", "bigquery",
                        "DICOM_GATEWAY_METADATA_BIGQUERY_PROJECT", PROJECT).close());
        assertTrue(bigquery.getMessage().contains("metadata.bigquery.credentials")
                && bigquery.getMessage().contains("GOOGLE_APPLICATION_CREDENTIALS"), bigquery.getMessage());
        java.io.IOException gcs = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TestGateway.start(work.resolve("spool-gcs"), "DICOM_GATEWAY_DESTINATION_TYPE", "gcs",
                        "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", BUCKET).close());
        assertTrue(gcs.getMessage().contains("destination.gcs.credentials"), gcs.getMessage());
    }

    static void awaitTable(FakeBigQuery bigquery) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (bigquery.table(PROJECT, DATASET, "studies") == null && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertTrue(bigquery.table(PROJECT, DATASET, "studies") != null, "dataset, table and view created at start");
    }

    static void send(Gateway gateway, Path corpus, String... files) throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu", "-aec", TestGateway.AE_TITLE, "127.0.0.1",
                String.valueOf(gateway.dicomPort())));
        for (String file : files) {
            command.add(corpus.resolve(file).toString());
        }
        Dcmtk.Result result = Dcmtk.run(command);
        assertEquals(0, result.exitCode(), result.output());
    }
}
