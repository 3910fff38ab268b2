package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A packaged batch records only its archive's checksums; the bytes are generated again at upload. When they no longer
 * come out the same — here destination.compressionLevel changed while the batch waited for an outage to end — nothing
 * wrong is stored: the batch is packaged again and delivered with the checksums of what it now uploads.
 */
class RepackagingTest {
    @TempDir
    Path work;

    @Test
    void anArchiveThatNoLongerComesOutTheSameIsPackagedAgainNotStoredWrong() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        OutageTest.UnreliableStore down = new OutageTest.UnreliableStore(new LocalDirectoryStore(bucket));
        down.failuresLeft.set(Integer.MAX_VALUE);
        Path batch;
        try (Gateway gateway = TestGateway.start(spool, new Destinations(down,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), level(1))) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm");
            batch = awaitPackaged(spool);
        }
        BatchManifest packaged = BatchManifest.read(batch.resolve(BatchManifest.FILE_NAME));
        assertEquals(BatchDelivery.FILES, packaged.objects.get(0).file(), "the object is generated from files/");
        assertTrue(!Files.exists(batch.resolve(BatchDelivery.PACKAGE)), "no archive on the spool");

        try (LogCapture log = new LogCapture(); Gateway gateway = TestGateway.start(spool, level(9))) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
            assertTrue(log.text().contains("is not what was packaged"), log.text());
        }
        List<Path> objects = Delivered.files(bucket, ".tar.gz");
        assertEquals(1, objects.size());
        BatchManifest delivered = BatchManifest.read(spool.resolve("delivered").resolve(batch.getFileName() + ".json"));
        assertEquals(Checksums.of(objects.get(0)).crc32c(), delivered.objects.get(0).crc32c(),
                "the manifest describes the bytes that were stored");
        assertTrue(!delivered.objects.get(0).crc32c().equals(packaged.objects.get(0).crc32c()), "packaged anew");
    }

    private static String[] level(int compressionLevel) {
        return new String[] {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
            "DICOM_GATEWAY_RETRY_MAXDELAY", "500ms", "DICOM_GATEWAY_DESTINATION_COMPRESSIONLEVEL", String.valueOf(compressionLevel)};
    }

    private static Path awaitPackaged(Path spool) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Path manifest : Delivered.files(spool.resolve("batches"), BatchManifest.FILE_NAME)) {
                if (BatchManifest.read(manifest).state == BatchState.PACKAGED) {
                    return manifest.getParent();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no batch reached PACKAGED");
    }
}
