package dev.dicomgateway.deliver.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.QueryJobConfiguration;
import dev.dicomgateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against real BigQuery only when an operator provides credentials, a project and a scratch dataset:
 * GOOGLE_APPLICATION_CREDENTIALS=key.json BQ_TEST_PROJECT=p BQ_TEST_DATASET=d mvn -B test -Dtest=RealBigQueryTest
 * Skipped otherwise. Creates the dataset/table/view if missing and loads one test row (batch_id dicom-gateway-test-…).
 */
class RealBigQueryTest {
    @TempDir
    Path dir;

    @Test
    void schemaIsCreatedARowLoadsOnceAndTheSameJobIdNeverRunsTwice() throws Exception {
        String project = System.getenv("BQ_TEST_PROJECT");
        String dataset = System.getenv("BQ_TEST_DATASET");
        assumeTrue(System.getenv("GOOGLE_APPLICATION_CREDENTIALS") != null && project != null && dataset != null,
                "skipped: set GOOGLE_APPLICATION_CREDENTIALS, BQ_TEST_PROJECT and BQ_TEST_DATASET to test against real BigQuery");
        GatewayConfig.BigQuery settings = new GatewayConfig.BigQuery(project, dataset, "dicom",
                System.getenv().getOrDefault("BQ_TEST_LOCATION", ""), "", "default", Duration.ofMinutes(5));
        BigQuery client = BigQueryConnection.client(settings);
        BigQueryTables tables = new BigQueryTables(client, BigQueryConnection.table(client, settings), settings.location());
        System.out.println(tables.ensure());
        String batch = "dicom-gateway-test-" + Instant.now().toEpochMilli();
        Path rows = Files.write(dir.resolve("rows.ndjson"), TypedRows.ndjson(List.of(Map.of("batch_id", batch,
                "StudyDate", "20240301", "StudyTime", "101500", "Rows", "512", "received_at", Instant.now().toString(),
                "metadata", Map.of("00080020", Map.of("vr", "DA", "Value", List.of("20240301")))))));
        LoadJobs jobs = new LoadJobs(client, tables.table(), tables::jobLocation);
        String jobId = "dicom_gateway_test_" + batch.replace('-', '_');
        Job job = jobs.submit(jobId, List.of(rows)).waitFor();
        assertNull(job.getStatus().getError(), String.valueOf(job.getStatus().getError()));
        Job again = jobs.submit(jobId, List.of(rows));
        assertEquals(jobId, again.getJobId().getJob(), "a known job id is refused and the existing job returned");
        String count = "SELECT COUNT(*) FROM `" + project + "." + dataset + ".dicom` WHERE batch_id = '" + batch
                + "' AND StudyDate = DATE '2024-03-01' AND StudyTime = TIME '10:15:00' AND Rows = 512";
        long found = client.query(QueryJobConfiguration.of(count)).iterateAll().iterator().next().get(0).getLongValue();
        assertEquals(1, found, "exactly one row, typed");
    }
}
