package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.FakeGcs;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.ScratchFileSystem;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's file system filled to zero free bytes by another writer (or by transfers still arriving) while the
 * destination is down: sealing and delivery still write what they must — study keys, manifests, delivered/ records,
 * moves to trash/ — into the room of spool.reserveBytes, which staging could never take, and free the spool with no
 * operator action; the reserve is written again once space has returned. Without a reserve this never finishes.
 */
class DeliveryReserveTest {
    private static final String BUCKET = "reserve-bucket";
    private static final String STUDY = "1.2.826.0.1.3680043.10.548.1";
    private static final int INSTANCES = 6;

    @TempDir
    Path work;

    @Test
    void aFileSystemFilledToZeroIsEmptiedByDeliveryAloneThroughTheReserve() throws Exception {
        Path metadata = work.resolve("metadata");
        try (FakeGcs gcs = new FakeGcs(BUCKET); ScratchFileSystem fs = ScratchFileSystem.mount(work.resolve("fs"), "size=32m")) {
            gcs.failStatus = 503;
            gcs.failNext.set(Integer.MAX_VALUE);
            Path spool = fs.root().resolve("spool");
            try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DESTINATION_TYPE", "gcs",
                    "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", BUCKET, "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", gcs.endpoint(),
                    "DICOM_GATEWAY_DESTINATION_GCS_PROJECT", "test-project", "DICOM_GATEWAY_METADATA_LOCAL_DIR", metadata.toString(),
                    "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "1MiB", "DICOM_GATEWAY_SPOOL_RESERVEBYTES", "2MiB",
                    "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "200ms",
                    "DICOM_GATEWAY_RETRY_MAXDELAY", "1s")) {
                assertEquals(2 << 20, Files.size(spool.resolve("state/delivery-reserve")), "the reserve is held");
                Random random = new Random(7);
                RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE);
                for (int i = 1; i <= INSTANCES; i++) {
                    assertEquals(0x0000, store(scu, i, random).status());
                }
                StoreCall.release(scu);
                Path filler = fs.fillLeaving(0); // not one byte left: the study is not even sealed yet
                assertEquals(0, fs.usableBytes());

                await(() -> !Files.exists(spool.resolve("state/delivery-reserve")), "the reserve given up to delivery");
                HttpResponse<String> notReady = readyz(gateway);
                assertEquals(503, notReady.statusCode(), notReady.body());
                assertTrue(notReady.body().contains("spool_free_space: spool file system was full"), notReady.body());
                scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE);
                StoreCall.Answer refused = store(scu, INSTANCES + 1, random);
                StoreCall.release(scu);
                assertEquals(0xA700, refused.status(), "staging never takes the reserve: " + refused.errorComment());

                gcs.failNext.set(0);
                Delivered.awaitMetadataRows(metadata, INSTANCES);
                await(() -> Delivered.files(spool.resolve("batches"), ".dcm").isEmpty(), "the delivered batch removed");
                await(() -> Files.exists(spool.resolve("state/delivery-reserve")), "the reserve written again");
                assertEquals(200, readyz(gateway).statusCode(), readyz(gateway).body());
                assertTrue(Files.exists(filler), "the other writer's file was left alone");
                assertEquals(1, gcs.objects().size(), "the study, once");
                assertEquals(INSTANCES, Delivered.rows(metadata).size());
            }
        }
    }

    private static StoreCall.Answer store(RawScu scu, int number, Random random) throws Exception {
        byte[] pixels = new byte[1 << 20];
        random.nextBytes(pixels);
        String sop = STUDY + ".1." + number;
        return StoreCall.store(scu, number, sop, DataSets.ctHeader(sop, "RESERVE-1", STUDY, STUDY + ".1")
                .element(0x7FE0, 0x0010, "OW", pixels).toByteArray());
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> readyz(Gateway gateway) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
