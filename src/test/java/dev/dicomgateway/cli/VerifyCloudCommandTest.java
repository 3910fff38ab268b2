package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.FakeBigQuery;
import dev.dicomgateway.testing.FakeGcs;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `verify` against a real gateway's deliveries to Cloud Storage and BigQuery (their HTTP stand-ins, through the real
 * Google clients): all match (exit 0); then a deleted object, an object cut to half its bytes, an object of the right
 * size with one byte changed, a row removed and a row duplicated are each reported with their kind (exit 1, human and
 * --json), and the damage undone gives exit 0 again.
 */
class VerifyCloudCommandTest {
    private static final String PROJECT = "verify-project";
    private static final String DATASET = "imaging";
    private static final String BUCKET = "verify-bucket";

    @TempDir
    Path work;

    @Test
    void reportsCloudDiscrepanciesAndExitsZeroOnlyWhenAllMatch() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path config = work.resolve("gateway.yaml");
        try (FakeGcs gcs = new FakeGcs(BUCKET); FakeBigQuery bigquery = new FakeBigQuery()) {
            Files.writeString(config, String.join("\n",
                    "dicom: {bind: 127.0.0.1, port: 0}",
                    "http: {port: 0}",
                    "study: {stableAfter: 1s}",
                    "retry: {initialDelay: 100ms, maxDelay: 500ms}",
                    "spool: {dir: '" + spool + "', minFreeBytes: 0, reserveBytes: 1MiB}",
                    "deidentify: {secretFile: '" + work.resolve("deidentify.key") + "'}",
                    "destination: {type: gcs, gcs: {bucket: " + BUCKET + ", project: " + PROJECT + ", endpoint: '"
                            + gcs.endpoint() + "', credentials: none}}",
                    "metadata: {type: bigquery, bigquery: {project: " + PROJECT + ", dataset: " + DATASET
                            + ", endpoint: '" + bigquery.endpoint() + "', credentials: none, loadInterval: 1s}}", ""));
            try (Gateway gateway = Gateway.start(GatewayConfig.load(config, Map.of()))) {
                List<Path> files = Stream.of("a1_1.dcm", "a1_2.dcm", "b_4.dcm").map(corpus::resolve).toList();
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
                assertEquals(files, report.stored(), report.result().output());
                long deadline = System.nanoTime() + 60_000_000_000L;
                Cli.Output beside;
                do {
                    Thread.sleep(200);
                    beside = verify(config, "--json");
                } while ((json(beside).path("batches").asInt() < 2 || beside.exitCode() != 0)
                        && System.nanoTime() < deadline);
                assertEquals(0, beside.exitCode(), beside.out() + beside.err());
                JsonNode all = json(beside);
                assertEquals(2, all.path("batches").asInt(), beside.out());
                assertEquals(3, all.path("instances").asInt());
                assertEquals(2, all.path("objects").asInt());
                assertEquals(3, all.path("rows").asInt());
                assertTrue(all.path("ok").asBoolean());
            }
            int downloads = gcs.downloads();
            int lists = bigquery.tableDataLists();
            Cli.Output clean = verify(config);
            assertEquals(0, clean.exitCode(), clean.out() + clean.err());
            assertTrue(clean.out().contains("discrepancies             none"), clean.out());
            assertEquals(downloads + 2, gcs.downloads(), "each archive streamed once to list its members");
            assertTrue(bigquery.tableDataLists() > lists, "rows read through tabledata.list");

            Map<String, FakeGcs.StoredObject> objects = new LinkedHashMap<>(gcs.objects());
            assertEquals(2, objects.size(), objects.keySet().toString());
            String name = objects.keySet().iterator().next();
            FakeGcs.StoredObject original = objects.get(name);

            gcs.objects().remove(name);
            expect(config, "missing", "is not in gs://" + BUCKET);
            gcs.objects().put(name, original);
            assertEquals(0, verify(config).exitCode());

            byte[] bytes = original.content();
            gcs.replace(name, Arrays.copyOf(bytes, bytes.length / 2));
            expect(config, "different", "bytes, the manifest records " + bytes.length);
            expect(config, "unreadable", "cannot be read to its end");
            gcs.objects().put(name, original);

            byte[] flipped = bytes.clone();
            flipped[flipped.length - 3] ^= 0x01; // inside the gzip trailer: members still list, the CRC32C differs
            gcs.replace(name, flipped);
            expect(config, "different", "CRC32C");
            gcs.objects().put(name, original);
            assertEquals(0, verify(config).exitCode());

            FakeBigQuery.StoredTable table = bigquery.table(PROJECT, DATASET, "dicom");
            assertEquals(3, table.rows.size());
            Map<String, Object> row = table.rows.remove(1);
            expect(config, "missing", "no metadata row");
            table.rows.add(1, row);
            assertEquals(0, verify(config).exitCode());

            table.rows.add(new LinkedHashMap<>(row));
            expect(config, "extra", "2 metadata rows for the instance, expected 1");
            table.rows.remove(table.rows.size() - 1);
            assertEquals(0, verify(config).exitCode(), "the damage undone, all match again");

            for (int i = 0; i < 2500; i++) { // another gateway's rows, and rows of batches verify does not check
                Map<String, Object> other = new LinkedHashMap<>(row);
                other.put(i % 2 == 0 ? "gateway_id" : "batch_id", "other-" + i);
                table.rows.add(other);
            }
            int before = bigquery.tableDataLists();
            Cli.Output paged = verify(config, "--json");
            assertEquals(0, paged.exitCode(), paged.out() + paged.err());
            assertEquals(3, json(paged).path("rows").asInt(), "only this gateway's rows of the checked batches count");
            assertTrue(bigquery.tableDataLists() >= before + 2, "2,503 rows read in more than one page");

            bigquery.denyAll = true; // a refusal is no verdict: exit 2 naming the permission, never "all match"
            Cli.Output refused = verify(config);
            assertEquals(2, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.err().replace("\n", " ").contains("bigquery.tables.getData"), refused.err());
        }
    }

    private static Cli.Output verify(Path config, String... options) {
        String[] args = Stream.concat(Stream.of("verify", "--config", config.toString()), Stream.of(options))
                .toArray(String[]::new);
        return Cli.execute(args);
    }

    /** Runs verify, human and JSON: exit 1, a discrepancy of {@code kind} whose text holds {@code text}. */
    private static void expect(Path config, String kind, String text) {
        Cli.Output human = verify(config);
        assertEquals(1, human.exitCode(), human.out() + human.err());
        assertTrue(human.out().lines().anyMatch(line -> line.startsWith(kind + " batch ") && line.contains(text)),
                human.out());
        Cli.Output machine = verify(config, "--json");
        assertEquals(1, machine.exitCode());
        JsonNode document = json(machine);
        assertTrue(!document.path("ok").asBoolean());
        assertTrue(document.path("discrepancies_by_kind").path(kind).asInt() > 0, machine.out());
        boolean found = false;
        for (JsonNode d : document.path("discrepancies")) {
            found |= d.path("kind").asText().equals(kind) && d.path("what").asText().contains(text);
        }
        assertTrue(found, machine.out());
    }

    private static JsonNode json(Cli.Output output) {
        try {
            String out = output.out(); // beside the in-process gateway its log lines share standard output
            return new ObjectMapper().readTree(out.substring(Math.max(0, out.indexOf("{\n"))));
        } catch (Exception e) {
            throw new AssertionError(output.out() + output.err(), e);
        }
    }
}
