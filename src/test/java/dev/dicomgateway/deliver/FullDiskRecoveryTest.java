package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.FakeGcs;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.ScratchFileSystem;
import dev.dicomgateway.testing.StoreCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario: a spool on a small real file system (a 64 MiB tmpfs) is filled to the last byte while Cloud
 * Storage is down. New instances get 0xA700 with an Error Comment naming spool.dir and /readyz fails on
 * spool_free_space; once the destination answers again, delivery empties the spool with no operator action (archives
 * are streamed, the small files it writes go into the reserve), space returns, and a new instance is accepted. Every
 * instance acknowledged with Success is delivered exactly once. One study fills the disk, with random pixel data: an
 * archive packaged on the spool would need as much room again (the old packaging deadlocks here).
 */
class FullDiskRecoveryTest {
    private static final String BUCKET = "full-disk-bucket";
    private static final int PIXEL_BYTES = 3 << 20;
    private static final String STUDY = "1.2.826.0.1.3680043.10.547.1";

    @TempDir
    Path work;

    @Test
    void aFullSpoolRefusesThenDrainsWithoutAnOperatorAndDeliversEverythingOnce() throws Exception {
        Path metadata = work.resolve("metadata");
        Path log = work.resolve("gateway.log");
        Random random = new Random(20241201);
        List<Integer> acknowledged = new ArrayList<>();
        try (FakeGcs gcs = new FakeGcs(BUCKET); ScratchFileSystem fs = ScratchFileSystem.mount(work.resolve("fs"), "size=64m")) {
            gcs.failStatus = 503;
            gcs.failNext.set(Integer.MAX_VALUE); // Cloud Storage is down: nothing leaves the spool
            try (GatewayProcess gateway = GatewayProcess.start(fs.root().resolve("spool"), log,
                    "DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", BUCKET,
                    "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", gcs.endpoint(), "DICOM_GATEWAY_DESTINATION_GCS_PROJECT", "test-project",
                    "DICOM_GATEWAY_METADATA_LOCAL_DIR", metadata.toString(),
                    "DICOM_GATEWAY_DESTINATION_LOCAL_DIR", work.resolve("unused-bucket").toString(),
                    "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "1MiB", "DICOM_GATEWAY_SPOOL_RESERVEBYTES", "2MiB",
                    "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "200ms",
                    "DICOM_GATEWAY_RETRY_MAXDELAY", "1s")) {
                int httpPort = gateway.httpPort();
                int next = 1;
                StoreCall.Answer refused = null;
                RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE);
                for (; next <= 40 && refused == null; next++) {
                    StoreCall.Answer answer = store(scu, next, random);
                    if (answer.success()) {
                        acknowledged.add(next);
                    } else {
                        refused = answer;
                    }
                }
                assertTrue(refused != null, "64 MiB took 40 instances of 3 MiB");
                assertTrue(acknowledged.size() >= 10, "the spool held " + acknowledged.size() + " instances");
                assertEquals(0xA700, refused.status(), refused.errorComment());
                // The last acknowledged instance may leave less than spool.minFreeBytes (refused at admission) or more
                // (the next write hits ENOSPC): both name the file system and spool.dir; which one depends on the
                // file system's own overhead.
                assertTrue(refused.errorComment().matches(
                        "spool file system (full|below spool\\.minFreeBytes).*\\(spool\\.dir\\)"), refused.errorComment());
                StoreCall.Answer stillFull = store(scu, next++, random);
                assertEquals(0xA700, stillFull.status(), "refused while the file system is full: " + stillFull.errorComment());
                assertTrue(stillFull.errorComment().startsWith("spool file system "), stillFull.errorComment());
                StoreCall.release(scu);
                HttpResponse<String> notReady = readyz(httpPort);
                assertEquals(503, notReady.statusCode(), notReady.body() + tail(log));
                assertTrue(notReady.body().lines().anyMatch(line -> line.startsWith("spool_free_space: ")
                        && !line.equals("spool_free_space: ok")), notReady.body());

                gcs.failNext.set(0); // Cloud Storage is back; nobody touches the gateway or its disk
                long back = System.nanoTime();
                Delivered.awaitMetadataRows(metadata, acknowledged.size());
                StoreCall.Answer accepted = null;
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (System.nanoTime() < deadline) {
                    scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE);
                    accepted = store(scu, next, random);
                    StoreCall.release(scu);
                    if (accepted.success()) {
                        acknowledged.add(next);
                        break;
                    }
                    Thread.sleep(500);
                }
                assertTrue(accepted != null && accepted.success(), "accepted again once delivery freed space: "
                        + (accepted == null ? "" : accepted.errorComment()));
                System.out.printf("acknowledged %d instances of 3 MiB, then refused: \"%s\"; accepted again %d ms after "
                        + "Cloud Storage came back%n", acknowledged.size() - 1, refused.errorComment(),
                        (System.nanoTime() - back) / 1_000_000);
                Delivered.awaitMetadataRows(metadata, acknowledged.size());
                assertEquals(200, readyz(httpPort).statusCode(), readyz(httpPort).body());
            }
            String logText = Files.readString(log);
            assertTrue(logText.contains("gave the delivery reserve of 2097152 bytes to delivery"), logText);
            assertTrue(logText.contains("delivery reserve of 2097152 bytes written; accepting instances"), logText);
            assertExactlyOnce(gcs, metadata, acknowledged);
        }
    }

    private StoreCall.Answer store(RawScu scu, int number, Random random) throws Exception {
        String sop = STUDY + ".1." + number;
        byte[] pixels = new byte[PIXEL_BYTES];
        random.nextBytes(pixels); // incompressible, like the compressed pixel data of real studies
        byte[] dataSet = DataSets.ctHeader(sop, "FULL-DISK-1", STUDY, STUDY + ".1")
                .text(0x0020, 0x0013, "IS", String.valueOf(number)).element(0x7FE0, 0x0010, "OW", pixels).toByteArray();
        return StoreCall.store(scu, number, sop, dataSet);
    }

    /** Rows and archive members: one each per acknowledged instance, none twice, none missing. */
    private void assertExactlyOnce(FakeGcs gcs, Path metadata, List<Integer> acknowledged) throws Exception {
        List<JsonNode> rows = Delivered.rows(metadata);
        Set<Integer> numbers = new HashSet<>();
        Set<String> members = new HashSet<>();
        for (JsonNode row : rows) {
            numbers.add(row.get("InstanceNumber").asInt());
            members.add(row.get("archive_member").asText());
        }
        assertEquals(acknowledged.size(), rows.size(), "one row per acknowledged instance");
        assertEquals(new HashSet<>(acknowledged), numbers, "exactly the acknowledged instances");
        List<String> archived = new ArrayList<>();
        for (FakeGcs.StoredObject object : gcs.objects().values()) {
            Path copy = Files.write(work.resolve("object.tar.gz"), object.content());
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", copy.toString()));
            assertEquals(0, listing.exitCode(), object.name() + ": " + listing.output());
            archived.addAll(listing.output().lines().toList());
        }
        assertEquals(acknowledged.size(), archived.size(), "archive members across " + gcs.objects().size() + " objects");
        assertEquals(archived.size(), new HashSet<>(archived).size(), "no member in two archives");
        assertEquals(members, new HashSet<>(archived), "every row's member in exactly one archive");
    }

    /** The end of the gateway's log, for a failure message. */
    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return "\nend of the gateway's log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    private static HttpResponse<String> readyz(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
