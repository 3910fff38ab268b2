package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances the receive path would refuse, planted in the spool as if an older version had accepted them: start-up
 * goes on, each poison batch ends in failed/ with a short reason at its first attempt, and every other study is
 * delivered. (Before, a StackOverflowError escaped the delivery tick and stopped all sealing and delivery for good,
 * and a JSON nesting error was retried as a disk fault forever.)
 */
class PoisonBatchTest {
    private static final String SERIES = "1.2.826.0.1.3680043.2.1125.9";

    @TempDir
    Path root;

    @Test
    void poisonBatchesAreSetAsideAndTheRestIsDelivered() throws Exception {
        Path spool = root.resolve("spool");
        plant(spool, "EPOISONDEEP_IPOISON1_p1", "1.2.3.100", 50_000);   // PixelMed overflows its stack
        plant(spool, "EPOISONJSON_IPOISON2_p1", "1.2.3.101", 400);      // deeper than the JSON writer allows
        try (LogCapture log = new LogCapture();
             Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "300ms",
                     "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false")) {
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                byte[] good = DataSets.ct("1.2.3.102", "PATIENT-GOOD", "1.2.3.103", SERIES, 2048);
                assertTrue(StoreCall.store(scu, 1, "1.2.3.102", good).success());
            }
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
            awaitFailed(spool, "EPOISONDEEP_IPOISON1_p1");
            awaitFailed(spool, "EPOISONJSON_IPOISON2_p1");
            for (String batch : List.of("EPOISONDEEP_IPOISON1_p1", "EPOISONJSON_IPOISON2_p1")) {
                BatchManifest failed = BatchManifest.read(spool.resolve("failed").resolve(batch).resolve("manifest.json"));
                assertEquals(0, failed.attempts, batch + " failed at its first attempt, not retried: " + failed.lastError);
                assertTrue(failed.failedReason.length() < 400, "a short reason: " + failed.failedReason);
            }
            BatchManifest deep = BatchManifest.read(spool.resolve("failed/EPOISONDEEP_IPOISON1_p1/manifest.json"));
            assertTrue(deep.failedReason.contains("StackOverflowError"), deep.failedReason);
            assertEquals(1, Delivered.rows(TestGateway.metadataOf(spool)).size(), "only the good study has a row");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.httpPort() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("delivery: ok"), ready.body());
            // the gateway still seals and delivers after the poison: a second good study
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                byte[] good = DataSets.ct("1.2.3.104", "PATIENT-GOOD", "1.2.3.105", SERIES, 2048);
                assertTrue(StoreCall.store(scu, 1, "1.2.3.104", good).success());
            }
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
            String text = log.text();
            assertTrue(text.lines().allMatch(line -> line.length() < 2_000), "no huge log line");
            assertTrue(text.length() < 200_000, "bounded log: " + text.length() + " characters");
        }
    }

    /**
     * A step that throws something no one foresaw (a bug, not an outage) is retried a bounded number of times, logged
     * once with its stack trace, then the batch goes to failed/ with the reason — nothing retries a bug forever. The
     * cause is real: a manifest whose stored objects do not match its instances makes the metadata step index past
     * the end of the list.
     */
    @Test
    void aStepThatThrowsEndsInFailedAfterTheBoundedRetries() throws Exception {
        Path spool = root.resolve("spool");
        String batchId = "EBROKEN_IBROKEN_p1";
        plantObjectStored(spool, batchId);
        try (LogCapture log = new LogCapture();
             Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DESTINATION_LAYOUT", "instances",
                     "DICOM_GATEWAY_RETRY_INITIALDELAY", "10ms", "DICOM_GATEWAY_RETRY_MAXDELAY", "10ms")) {
            awaitFailed(spool, batchId);
            BatchManifest failed = BatchManifest.read(spool.resolve("failed").resolve(batchId).resolve("manifest.json"));
            assertEquals(DeliveryEngine.MAX_UNEXPECTED_FAILURES, failed.unexpectedFailures, failed.failedReason);
            assertEquals(DeliveryEngine.MAX_UNEXPECTED_FAILURES - 1, failed.attempts, "retried in between, then given up");
            assertTrue(failed.failedReason.startsWith("failed unexpectedly " + DeliveryEngine.MAX_UNEXPECTED_FAILURES
                    + " times in state OBJECT_STORED: IndexOutOfBoundsException"), failed.failedReason);
            Thread.sleep(500); // nothing retries it once it is in failed/
            String text = log.text();
            assertEquals(1, count(text, "batch " + batchId + " failed unexpectedly in state OBJECT_STORED"), text);
            assertEquals(1, count(text, "java.lang.IndexOutOfBoundsException"), "one stack trace: " + text);
            assertTrue(text.contains("at dev.dicomgateway.deliver.BatchDelivery"), "the stack names the step");
            assertEquals(DeliveryEngine.MAX_UNEXPECTED_FAILURES - 1, count(text, "batch " + batchId + " OBJECT_STORED failed (attempt"),
                    "one line per retry: " + text);
            assertTrue(text.contains("batch " + batchId + " moved to "), text);
            assertEquals(0, Delivered.rows(TestGateway.metadataOf(spool)).size(), "no row of a half-written batch");
            assertTrue(Files.exists(spool.resolve("failed").resolve(batchId).resolve("files")), "its files are kept");
        }
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    /** A batch whose objects are stored (instances layout) but whose manifest lists one object for two instances. */
    private static void plantObjectStored(Path spool, String batchId) throws Exception {
        Path batch = Files.createDirectories(spool.resolve("batches").resolve(batchId));
        BatchManifest manifest = new BatchManifest();
        manifest.batchId = batchId;
        manifest.collection = "DEFAULT";
        manifest.entity = "EBROKEN";
        manifest.item = "IBROKEN";
        manifest.part = 1;
        manifest.sealedAt = Instant.now().toString();
        manifest.state = dev.dicomgateway.spool.BatchState.OBJECT_STORED;
        for (String sop : List.of("1.2.3.201", "1.2.3.202")) {
            Path file = Files.createDirectories(batch.resolve("files").resolve(SERIES)).resolve(sop + ".dcm");
            byte[] dataSet = DataSets.ct(sop, "PATIENT-BROKEN", "1.2.3.200", SERIES, 512);
            byte[] meta = new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "OLDVERSION").encode();
            byte[] bytes = Arrays.copyOf(meta, meta.length + dataSet.length);
            System.arraycopy(dataSet, 0, bytes, meta.length, dataSet.length);
            Files.write(file, bytes);
            manifest.instances.add(new BatchManifest.Instance(SERIES, sop, SERIES + "/" + sop + ".dcm", bytes.length,
                    Instant.now().toString(), "OLDVERSION", null, 0));
        }
        manifest.objects.add(new BatchManifest.StoredObject("x/1.2.3.201.dcm", "files/" + SERIES + "/1.2.3.201.dcm", 1,
                "AAAAAA==", "AAAAAAAAAAAAAAAAAAAAAA==", "file:///nowhere/x/1.2.3.201.dcm"));
        manifest.write(batch.resolve("manifest.json"));
    }

    /** A sealed batch holding one instance whose sequences nest {@code depth} levels before its pixel data. */
    private static void plant(Path spool, String batchId, String sop, int depth) throws Exception {
        Path batch = Files.createDirectories(spool.resolve("batches").resolve(batchId));
        Path file = Files.createDirectories(batch.resolve("files").resolve(SERIES)).resolve(sop + ".dcm");
        byte[] dataSet = DataSets.ctHeader(sop, "PATIENT-POISON", "1.2.3.99", SERIES)
                .nested(0x0040, 0x0275, depth).pixelData(2048).toByteArray();
        byte[] meta = new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "OLDVERSION").encode();
        byte[] bytes = Arrays.copyOf(meta, meta.length + dataSet.length);
        System.arraycopy(dataSet, 0, bytes, meta.length, dataSet.length);
        Files.write(file, bytes);
        BatchManifest manifest = new BatchManifest();
        manifest.batchId = batchId;
        manifest.collection = "DEFAULT";
        manifest.entity = batchId.split("_")[0];
        manifest.item = batchId.split("_")[1];
        manifest.part = 1;
        manifest.sealedAt = Instant.now().toString();
        manifest.instances.add(new BatchManifest.Instance(SERIES, sop, SERIES + "/" + sop + ".dcm", bytes.length,
                Instant.now().toString(), "OLDVERSION", null, 0));
        manifest.write(batch.resolve("manifest.json"));
    }

    private static void awaitFailed(Path spool, String batchId) throws Exception {
        Path manifest = spool.resolve("failed").resolve(batchId).resolve("manifest.json");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(manifest)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(batchId + " did not reach failed/");
            }
            Thread.sleep(100);
        }
    }
}
