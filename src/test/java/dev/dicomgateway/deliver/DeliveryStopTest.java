package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop while a worker is uploading: the upload in progress completes (it is not interrupted), the batch's next
 * step (its metadata) is left for the next start, and that start finishes it.
 */
class DeliveryStopTest {
    private static final String STUDY = "1.2.826.0.1.3680043.10.773.1";

    @TempDir
    Path spool;

    /** The real local store behind a gate: put() waits until the test opens it, and notes an interrupt. */
    static final class GatedStore implements ObjectStore {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();
        private final ObjectStore real;

        GatedStore(ObjectStore real) {
            this.real = real;
        }

        @Override
        public String type() {
            return real.type();
        }

        @Override
        public String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException {
            entered.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw new TransientDeliveryException("interrupted during the upload", e);
            }
            return real.put(name, content, metadata);
        }

        @Override
        public java.util.List<CheckResult> check() {
            return real.check();
        }
    }

    @Test
    void aStopLetsTheUploadInProgressFinishAndLeavesTheNextStepForTheNextStart() throws Exception {
        GatedStore store = new GatedStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), "DICOM_GATEWAY_STUDY_STABLEAFTER", "300ms");
        try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "MODALITY")) {
            String sop = STUDY + ".1.1";
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sop)));
            scu.send(RawScu.dataSetPdus(DataSets.ct(sop, "PAT-DELIVERY-STOP", STUDY, STUDY + ".1", 4_000)));
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(scu.read().body())));
            scu.send(RawScu.releaseRequest());
            assertEquals(0x06, scu.read().type());
        }
        assertTrue(store.entered.await(30, TimeUnit.SECONDS), "the study was sealed and its upload began");

        Thread stop = new Thread(gateway::close, "stop");
        stop.start();
        stop.join(1_500);
        assertTrue(stop.isAlive(), "the stop waits for the upload in progress");
        store.open.countDown();
        stop.join(20_000);
        assertFalse(stop.isAlive(), "the stop ends once the upload has");

        assertFalse(store.interrupted.get(), "the upload in progress was not interrupted");
        assertEquals(1, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size(), "the upload completed");
        assertEquals(0, Delivered.rows(TestGateway.metadataOf(spool)).size(), "the next step waits for the next start");

        try (Gateway restarted = TestGateway.start(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "300ms")) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
        }
        assertEquals(1, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size(), "uploaded once");
    }
}
