package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spool fuller than spool.maxBytes answers 0xA700 without dropping anything, and recovers once delivery catches up. */
class BackPressureTest {
    @TempDir
    Path work;

    @Test
    void fullSpoolRefusesWithOutOfResourcesAndRecovers() throws Exception {
        Path corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
        Path spool = work.resolve("spool");
        OutageTest.UnreliableStore store = new OutageTest.UnreliableStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        store.failuresLeft.set(Integer.MAX_VALUE); // the destination is down: nothing leaves the spool
        String[] settings = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
                "DICOM_GATEWAY_RETRY_MAXDELAY", "200ms", "DICOM_GATEWAY_SPOOL_MAXBYTES", "2000"};
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), settings)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm"); // ~3 KB: now above 2000 bytes
            Path third = corpus.resolve("b_4.dcm");
            Dcmtk.StoreReport refused = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(third));
            assertEquals("Refused: OutOfResources", refused.responses().get(third), refused.result().output());
            assertTrue(gateway.registry().scrape().contains("reason=\"spool_full\"} 1.0"));

            store.failuresLeft.set(0); // the destination is back
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 2);
            long deadline = System.nanoTime() + 20_000_000_000L;
            Dcmtk.StoreReport accepted;
            do {
                Thread.sleep(200);
                accepted = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(third));
            } while (!accepted.stored().contains(third) && System.nanoTime() < deadline);
            assertEquals(List.of(third), accepted.stored(), "accepted again once delivery freed the spool");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 3);
        }
        assertEquals(2, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size(), "nothing was dropped");
    }
}
