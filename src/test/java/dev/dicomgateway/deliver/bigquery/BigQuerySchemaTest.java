package dev.dicomgateway.deliver.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Job;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.FakeBigQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed values, and rows the gateway writes against the schema it creates (checked by the stand-in's loader). */
class BigQuerySchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void dicomValuesBecomeBigQueryValuesOrNull() {
        assertEquals("2024-03-01", TypedValues.date("20240301"));
        assertEquals("1998-09-24", TypedValues.date("1998.09.24"));
        assertNull(TypedValues.date("20231345"));
        assertNull(TypedValues.date("2024-03-01"));
        assertNull(TypedValues.date(""));
        assertEquals("07:59:11", TypedValues.time("075911"));
        assertEquals("07:59:11.250000", TypedValues.time("075911.25"));
        assertEquals("07:59:00", TypedValues.time("0759"));
        assertEquals("07:00:00", TypedValues.time("07"));
        assertEquals("07:59:11", TypedValues.time("07:59:11"));
        assertNull(TypedValues.time("246000"));
        assertNull(TypedValues.time("075960"), "a leap second has no BigQuery TIME");
        assertNull(TypedValues.time("noon"));
        assertEquals(512L, TypedValues.integer("512"));
        assertNull(TypedValues.integer("5x"));
        assertEquals("2026-11-22 18:15:00.123000", TypedValues.timestamp("2026-11-22T18:15:00.123Z"));
        assertNull(TypedValues.timestamp("yesterday"));
    }

    @Test
    void everyTypedRowFitsTheSchemaTheGatewayCreates() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        DicomTableSchema.COLUMNS.keySet().forEach(c -> row.put(c, "garbage-" + c));
        row.put("metadata", Map.of("00080018", Map.of("vr", "UI", "Value", List.of("1.2.3"))));
        Map<String, Object> good = new LinkedHashMap<>(row);
        good.putAll(Map.of("StudyDate", "20240301", "StudyTime", "101500.5", "Rows", "512", "object_size", 1234L,
                "received_at", "2026-11-22T18:15:00Z"));
        for (Map<String, Object> candidate : List.of(row, good)) {
            JsonNode typed = JSON.readTree(TypedRows.ndjson(List.of(candidate)));
            for (var field : DicomTableSchema.schema().getFields()) {
                String type = field.getType().getStandardType().name().replace("INT64", "INTEGER").replace("FLOAT64", "FLOAT");
                assertNull(FakeBigQuery.typeError(type, typed.path(field.getName())), field.getName() + " in " + typed);
            }
        }
        JsonNode typed = JSON.readTree(TypedRows.ndjson(List.of(good)));
        assertEquals("2024-03-01", typed.get("StudyDate").asText());
        assertEquals(512, typed.get("Rows").asInt());
        assertTrue(typed.get("metadata").isObject(), "metadata is loaded as a JSON value, not a string");
    }

    @Test
    void theStandInRefusesRowsThatDoNotFitAndLoadsNothingOfThem() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQuery client = BigQueryConnection.client(settings(fake, "dicom"));
            BigQueryTables tables = ensured(client, fake);
            LoadJobs jobs = new LoadJobs(client, tables.table(), tables::jobLocation);
            String fits = new String(TypedRows.ndjson(List.of(Map.of("StudyDate", "20240301"))), StandardCharsets.UTF_8);
            Path file = Files.writeString(work.resolve("rows.ndjson"), fits
                    + "{\"StudyDate\":\"20240301\"}\n"); // an untyped DA: BigQuery refuses it
            Job refused = jobs.submit("job-1", List.of(file));
            assertNotNull(refused.getStatus().getError());
            assertEquals("invalid", refused.getStatus().getError().getReason());
            Files.writeString(file, "{\"NoSuchColumn\":\"x\"}\n");
            assertEquals("invalid", jobs.submit("job-2", List.of(file)).getStatus().getError().getReason());
            assertEquals(0, fake.rows("p", "d", "dicom").size(), "all rows or none");
            Files.writeString(file, fits);
            assertNull(jobs.submit("job-3", List.of(file)).getStatus().getError());
            assertEquals(1, fake.rows("p", "d", "dicom").size());
            Job again = jobs.submit("job-3", List.of(file));
            assertEquals("job-3", again.getJobId().getJob(), "a second submission under a known id returns that job");
            assertEquals(1, fake.rows("p", "d", "dicom").size(), "and loads nothing more");
            fake.duplicateAtInitiation = true; // the same, refused as soon as the upload is opened
            assertEquals("job-3", jobs.submit("job-3", List.of(file)).getJobId().getJob());
            assertEquals(1, fake.rows("p", "d", "dicom").size());
            List<String> second = tables.ensure();
            assertTrue(second.contains("table dicom present with every column"), second.toString());
        }
    }

    @Test
    void anOlderTableGainsNewColumnsAndAConflictingOneIsRefusedWithTheFix() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQuery client = BigQueryConnection.client(settings(fake, "dicom"));
            client.create(com.google.cloud.bigquery.DatasetInfo.of("d"));
            List<com.google.cloud.bigquery.Field> older = DicomTableSchema.schema().getFields().stream()
                    .filter(f -> !f.getName().equals("SliceThickness")).toList();
            client.create(com.google.cloud.bigquery.TableInfo.of(com.google.cloud.bigquery.TableId.of("p", "d", "dicom"),
                    com.google.cloud.bigquery.StandardTableDefinition.of(com.google.cloud.bigquery.Schema.of(older))));
            List<String> lines = tables(client, fake, "dicom").ensure();
            assertTrue(lines.contains("table dicom present; added columns SliceThickness"), lines.toString());
            assertTrue(fake.table("p", "d", "dicom").resource.toString().contains("SliceThickness"));

            client.create(com.google.cloud.bigquery.TableInfo.of(com.google.cloud.bigquery.TableId.of("p", "d", "other"),
                    com.google.cloud.bigquery.StandardTableDefinition.of(com.google.cloud.bigquery.Schema.of(
                            com.google.cloud.bigquery.Field.of("StudyDate", com.google.cloud.bigquery.StandardSQLTypeName.STRING)))));
            BigQueryTables conflicting = tables(client, fake, "other");
            dev.dicomgateway.deliver.PermanentDeliveryException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.dicomgateway.deliver.PermanentDeliveryException.class, conflicting::ensure);
            assertTrue(refused.getMessage().contains("StudyDate of type STRING where the gateway writes DATE")
                    && refused.getMessage().contains("metadata.bigquery.table"), refused.getMessage());
        }
    }

    private static GatewayConfig.BigQuery settings(FakeBigQuery fake, String table) {
        return new GatewayConfig.BigQuery("p", "d", table, "", fake.endpoint(), "none", Duration.ofSeconds(1));
    }

    /** The gateway's dataset, table and view, created in the stand-in. */
    private static BigQueryTables ensured(BigQuery client, FakeBigQuery fake) throws Exception {
        BigQueryTables tables = tables(client, fake, "dicom");
        tables.ensure();
        return tables;
    }

    private static BigQueryTables tables(BigQuery client, FakeBigQuery fake, String table) {
        return new BigQueryTables(client, BigQueryConnection.table(client, settings(fake, table)), "");
    }

    @Test
    void statusNamesTheLoadJobsInProgress() throws Exception {
        Path spool = work.resolve("spool");
        LoadQueue queue = new LoadQueue(spool.resolve("state").resolve("bigquery"));
        queue.record(new LoadRecord("dicom_gateway_gw-1_1_ab", List.of("E1_I1_p1", "E2_I2_p1"), 7, 900,
                LoadRecord.SUBMITTING, 1, "2026-11-22T18:00:00Z", null, null));
        queue.record(new LoadRecord("dicom_gateway_gw-1_0_cd", List.of("E0_I0_p1"), 1, 100, LoadRecord.DONE, 1,
                "2026-11-22T17:00:00Z", "2026-11-22T17:00:01Z", null));
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        String status = dev.dicomgateway.testing.Cli.run("status", "--config", config.toString());
        assertTrue(status.contains("dicom_gateway_gw-1_1_ab: 2 batch(es), 7 rows, submitted 1 time(s)"), status);
        assertTrue(!status.contains("dicom_gateway_gw-1_0_cd"), "done loads are not in progress: " + status);
    }

    @Test
    void aLoadInterruptedMidWayThroughItsUploadCarriesOnAndLoadsEveryRowOnce() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQuery client = BigQueryConnection.client(settings(fake, "dicom"));
            BigQueryTables tables = ensured(client, fake);
            Path file = work.resolve("rows.ndjson");
            int rows = 40_000; // ~6 MB: several chunks of the client's resumable upload
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
                for (int i = 0; i < rows; i++) {
                    TableRows.writeLine(Map.of("SOPInstanceUID", "1.2.826.0.1.3680043.10.546.9." + i,
                            "StudyDescription", "x".repeat(100)), out);
                }
            }
            fake.passBeforeFault.set(1); // the first chunk arrives, the second is cut off
            fake.failingNext(FakeBigQuery.Target.UPLOAD_CHUNKS, 0, 1);
            Job job = new LoadJobs(client, tables.table(), tables::jobLocation).submit("job-big", List.of(file));
            assertNull(job.getStatus().getError());
            assertEquals(1, fake.faultsInjected(), "the upload was interrupted mid-way");
            assertEquals(rows, fake.rows("p", "d", "dicom").size());
            assertEquals(rows, new java.util.HashSet<>(fake.rows("p", "d", "dicom").stream()
                    .map(r -> r.get("SOPInstanceUID")).toList()).size(), "no row twice, none lost");
        }
    }
}
