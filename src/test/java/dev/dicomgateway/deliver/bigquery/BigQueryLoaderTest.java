package dev.dicomgateway.deliver.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQuery;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.MetadataStore.Progress;
import dev.dicomgateway.deliver.PermanentDeliveryException;
import dev.dicomgateway.deliver.TransientDeliveryException;
import dev.dicomgateway.testing.FakeBigQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's protocol against the BigQuery stand-in, step by step: one cycle at a time, restarts in between. */
class BigQueryLoaderTest {
    @TempDir
    Path work;

    private BigQueryLoader loader(FakeBigQuery fake) throws Exception {
        GatewayConfig.BigQuery settings = new GatewayConfig.BigQuery("p", "d", "dicom", "", fake.endpoint(), "none",
                Duration.ofSeconds(1));
        BigQuery client = BigQueryConnection.client(settings);
        BigQueryTables tables = new BigQueryTables(client, BigQueryConnection.table(client, settings), "");
        BigQueryLoader loader = new BigQueryLoader(new LoadQueue(work.resolve("state")), tables,
                new LoadJobs(client, tables.table(), tables::jobLocation), "gw-1", Clock.systemUTC());
        loader.recover();
        return loader;
    }

    private static Progress write(BigQueryLoader loader, String batch, String ndjson) throws Exception {
        return loader.write(batch, out -> out.write(ndjson.getBytes(StandardCharsets.UTF_8)));
    }

    private static String rows(String... sops) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (String sop : sops) {
            lines.append(new String(TypedRows.ndjson(List.of(Map.of("SOPInstanceUID", sop))), StandardCharsets.UTF_8));
        }
        return lines.toString();
    }

    @Test
    void aJobWhoseAnswerWasLostIsLookedUpAfterARestartAndNeverRunTwice() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQueryLoader first = loader(fake);
            assertEquals(Progress.QUEUED, write(first, "A_p1", rows("1.1", "1.2")));
            fake.loseNextJobAnswer.set(3); // the job runs; neither its answer nor those to the client's retries arrive
            first.cycle();
            assertEquals(1, fake.loadJobsRun());
            assertThrows(TransientDeliveryException.class, () -> first.status("A_p1"), "told once: the load failed for now");
            assertEquals(Progress.QUEUED, first.status("A_p1"), "still in its recorded load");

            BigQueryLoader second = loader(fake); // a restart: only the files remain
            assertEquals(Progress.QUEUED, second.status("A_p1"));
            assertEquals(Progress.QUEUED, write(second, "A_p1", rows("1.1", "1.2")), "never queued twice");
            second.cycle();
            assertEquals(Progress.STORED, second.status("A_p1"));
            assertEquals(1, fake.loadJobsRun(), "the recorded job was looked up, not submitted again");
            assertEquals(2, fake.rows("p", "d", "dicom").size());
            assertEquals(Progress.STORED, loader(fake).status("A_p1"), "and a later start knows it");
        }
    }

    @Test
    void aBatchThatSpoilsACoalescedLoadFailsAloneAndTheOthersLoad() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQueryLoader loader = loader(fake);
            write(loader, "A_p1", rows("1.1"));
            write(loader, "B_p1", "{\"NoSuchColumn\":\"x\"}\n");
            write(loader, "C_p1", rows("3.1", "3.2"));
            loader.cycle(); // one load of A, B and C: refused as invalid, nothing appended
            assertEquals(0, fake.rows("p", "d", "dicom").size());
            for (String batch : List.of("A_p1", "B_p1", "C_p1")) {
                assertThrows(TransientDeliveryException.class, () -> loader.status(batch));
                assertEquals(Progress.QUEUED, loader.status(batch));
            }
            loader.cycle();
            loader.cycle();
            loader.cycle();
            assertEquals(4, fake.loadJobsRun(), "one coalesced load, then one per batch");
            assertEquals(Progress.STORED, loader.status("A_p1"));
            assertEquals(Progress.STORED, loader.status("C_p1"));
            PermanentDeliveryException refused = assertThrows(PermanentDeliveryException.class, () -> loader.status("B_p1"));
            assertTrue(refused.getMessage().contains("no such field: NoSuchColumn"), refused.getMessage());
            assertEquals(Progress.NOT_QUEUED, loader.status("B_p1"), "retry queues it again");
            assertEquals(3, fake.rows("p", "d", "dicom").size());
        }
    }

    @Test
    void jobsAreLookedUpWhereTheDatasetIsWhenNoLocationIsConfigured() throws Exception {
        try (FakeBigQuery fake = new FakeBigQuery()) {
            BigQuery client = BigQueryConnection.client(new GatewayConfig.BigQuery("p", "d", "dicom", "", fake.endpoint(),
                    "none", Duration.ofSeconds(1)));
            client.create(com.google.cloud.bigquery.DatasetInfo.newBuilder("d").setLocation("europe-west2").build());
            fake.jobRunMillis = 300; // not done when submitted: the loader must find it again
            BigQueryLoader loader = loader(fake);
            write(loader, "A_p1", rows("1.1"));
            loader.cycle();
            assertEquals(Progress.STORED, loader.status("A_p1"),
                    "found in europe-west2 although metadata.bigquery.location is empty");
            assertEquals(1, fake.rows("p", "d", "dicom").size());
        }
    }
}
