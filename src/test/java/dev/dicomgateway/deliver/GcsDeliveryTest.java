package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.FakeGcs;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * destination.type=gcs with the real google-cloud-storage client against an HTTP-level stand-in of the JSON API on
 * loopback: objects arrive with the right names, bytes and metadata; injected transient faults (503, dropped
 * connections, corruption in transit caught by CRC32C) end in the same state as no fault; 403 is dead-lettered with an
 * actionable reason and `retry` finishes once the fault is gone.
 */
class GcsDeliveryTest {
    private static final String BUCKET = "research-bucket";

    @TempDir
    Path work;

    private Gateway start(Path spool, FakeGcs gcs) throws Exception {
        List<String> settings = new ArrayList<>(List.of(EndToEndDeliveryTest.FAST));
        settings.addAll(List.of("DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", BUCKET,
                "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", gcs.endpoint(), "DICOM_GATEWAY_DESTINATION_GCS_PROJECT", "test-project"));
        return TestGateway.start(spool, settings.toArray(String[]::new));
    }

    @Test
    void studiesArriveInTheBucketWithTheirNamesBytesAndMetadata() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (FakeGcs gcs = new FakeGcs(BUCKET); Gateway gateway = start(spool, gcs)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "b_4.dcm", "c_5.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 4);
            assertEquals(3, gcs.objects().size());
            assertEquals(0, gcs.uploadsWithoutMd5(), "every upload carries its MD5 (and CRC32C) for the service to check");
            for (FakeGcs.StoredObject object : gcs.objects().values()) {
                assertTrue(object.name().matches("Collection/DEFAULT/Entity/(E[A-Z2-7]{13})/\\1_\\d{8}_I[A-Z2-7]{13}\\.tar\\.gz"),
                        object.name());
                assertEquals("application/gzip", object.contentType());
                assertEquals("gw-1", object.metadata().get("gateway-id"));
                assertTrue(object.metadata().get("batch-id").endsWith("_p1"));
                Path copy = Files.write(work.resolve("copy.tar.gz"), object.content());
                Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", copy.toString()));
                assertEquals(0, listing.exitCode(), listing.output());
                assertEquals(object.metadata().get("instance-count"), String.valueOf(listing.output().lines().count()));
            }
            for (JsonNode row : Delivered.rows(TestGateway.metadataOf(spool))) {
                String uri = row.get("object_uri").asText();
                assertTrue(uri.startsWith("gs://" + BUCKET + "/"), uri);
                assertTrue(gcs.objects().containsKey(uri.substring(("gs://" + BUCKET + "/").length())), uri);
            }
        }
    }

    @Test
    void transientFaultsEndInTheSameStateAsNoFault() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        try (FakeGcs gcs = new FakeGcs(BUCKET); Gateway gateway = start(spool, gcs)) {
            gcs.failStatus = 503;
            gcs.failNext.set(4);
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);

            gcs.failStatus = 0; // connection dropped without an answer
            gcs.failNext.set(3);
            EndToEndDeliveryTest.send(gateway, corpus, "b_4.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);

            gcs.corruptNext.set(2); // two uploads arrive damaged: refused for their CRC32C, never a success
            EndToEndDeliveryTest.send(gateway, corpus, "c_5.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 3);
            assertEquals(2, gcs.refusedForChecksum(), "the damaged uploads were refused and sent again");
            assertEquals(3, gcs.objects().size(), "one object per batch, whatever the faults");
            assertTrue(gateway.registry().scrape().contains("destination=\"gcs\",gateway=\"gw-1\",result=\"transient\""));
        }
        assertEquals(3, Delivered.rows(TestGateway.metadataOf(spool)).size(), "one row per instance");
    }

    @Test
    void forbiddenIsDeadLetteredAndRetryFinishesOnceFixed() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        try (FakeGcs gcs = new FakeGcs(BUCKET); Gateway gateway = start(spool, gcs)) {
            gcs.failStatus = 403;
            gcs.failNext.set(1_000);
            EndToEndDeliveryTest.send(gateway, corpus, "c_5.dcm");
            Delivered.awaitFiles(spool.resolve("failed"), ".json", 1);
            String status = Cli.run("status", "--config", config.toString());
            assertTrue(status.contains("roles/storage.objectCreator"), "actionable reason: " + status);
            gcs.failNext.set(0);
            Cli.run("retry", "--all", "--config", config.toString());
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
            assertEquals(1, gcs.objects().size());
        }
    }

    @Test
    void anExistingIdenticalObjectCountsAsDeliveredAndADifferentOneIsNeverOverwritten() throws Exception {
        Path file = Files.write(work.resolve("object.bin"), new byte[] {1, 2, 3, 4});
        try (FakeGcs gcs = new FakeGcs(BUCKET)) {
            GcsStore store = GcsStore.fromConfig(new dev.dicomgateway.config.GatewayConfig.Gcs(BUCKET, "p", gcs.endpoint(), "none"));
            Checksums checksums = Checksums.of(file);
            String uri = store.put("a/b.tar.gz", ObjectContent.ofFile(file, checksums), Map.of());
            assertEquals("gs://" + BUCKET + "/a/b.tar.gz", uri);
            assertEquals(uri, store.put("a/b.tar.gz", ObjectContent.ofFile(file, checksums), Map.of()), "a retry after a crash");
            Path other = Files.write(work.resolve("other.bin"), new byte[] {9, 9});
            org.junit.jupiter.api.Assertions.assertThrows(PermanentDeliveryException.class,
                    () -> store.put("a/b.tar.gz", ObjectContent.ofFile(other, Checksums.of(other)), Map.of()));
            assertEquals(1, gcs.objects().size());
            assertEquals(4, gcs.objects().get("a/b.tar.gz").content().length, "never overwritten");
        }
    }

    @Test
    void anUploadWhoseBytesAreNotThePackagedOnesIsAbandonedNotFinished() throws Exception {
        Path staged = Files.write(work.resolve("a.dcm"), new byte[] {1, 2, 3});
        List<StudyArchive.Member> members = List.of(new StudyArchive.Member("1.2/a.dcm", staged));
        Checksums packaged = StudyArchive.checksums(members, 1);
        Files.write(staged, new byte[] {1, 2, 4});
        try (FakeGcs gcs = new FakeGcs(BUCKET)) {
            GcsStore store = GcsStore.fromConfig(new dev.dicomgateway.config.GatewayConfig.Gcs(BUCKET, "p", gcs.endpoint(), "none"));
            org.junit.jupiter.api.Assertions.assertThrows(ContentChangedException.class,
                    () -> store.put("a/b.tar.gz", ObjectContent.ofArchive("archive", members, 1, packaged), Map.of()));
            assertEquals(0, gcs.objects().size(), "the resumable upload was never finished");
            assertEquals(0, gcs.refusedForChecksum(), "not even sent for the service to refuse");
            Checksums again = StudyArchive.checksums(members, 1);
            store.put("a/b.tar.gz", ObjectContent.ofArchive("archive", members, 1, again), Map.of());
            assertEquals(again, Checksums.of(Files.write(work.resolve("stored.tar.gz"), gcs.objects().get("a/b.tar.gz").content())),
                    "packaged again, the object holds the bytes of now");
        }
    }

    @Test
    void checkProvesAccessAndNamesTheFix() throws Exception {
        try (FakeGcs gcs = new FakeGcs(BUCKET)) {
            Path config = Files.writeString(work.resolve("gateway.yaml"), String.join("\n",
                    "spool:", "  dir: " + work.resolve("spool"), "  minFreeBytes: 0",
                    "deidentify:", "  secretFile: " + work.resolve("key"),
                    "metadata:", "  local:", "    dir: " + work.resolve("metadata"),
                    "destination:", "  type: gcs", "  gcs:", "    bucket: " + BUCKET, "    endpoint: " + gcs.endpoint(), ""));
            String ok = Cli.run("check", "--config", config.toString());
            assertTrue(ok.contains("gs://" + BUCKET + " is writable"), ok);
            assertTrue(ok.lines().allMatch(l -> l.startsWith("ok")), ok);

            gcs.grantedPermissions = java.util.Set.of("storage.objects.get");
            Cli.Output denied = Cli.execute("check", "--config", config.toString());
            assertEquals(1, denied.exitCode());
            assertTrue(denied.out().contains("FAILED gcs bucket") && denied.out().contains("roles/storage.objectCreator"), denied.out());

            Path wrongBucket = Files.writeString(work.resolve("wrong.yaml"),
                    Files.readString(config).replace("bucket: " + BUCKET, "bucket: no-such-bucket"));
            Cli.Output missing = Cli.execute("check", "--config", wrongBucket.toString());
            assertEquals(1, missing.exitCode());
            assertTrue(missing.out().contains("bucket no-such-bucket not found"), missing.out());
        }
    }
}
