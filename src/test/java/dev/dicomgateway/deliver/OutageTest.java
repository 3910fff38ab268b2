package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that fails for a while delays delivery, then everything arrives exactly once; a permanent failure
 * lands in failed/ with its reason, and `retry` delivers it once the cause is gone. The object store here is a test
 * double of the ObjectStore interface in front of the real local store (the next issue fakes Cloud Storage at the
 * HTTP level).
 */
class OutageTest {
    @TempDir
    Path work;
    private Path corpus;

    /** Fails with the configured kind of error while {@code failuresLeft} > 0, then delegates. */
    static final class UnreliableStore implements ObjectStore {
        final ObjectStore real;
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicReference<String> kind = new AtomicReference<>("transient");
        final AtomicInteger calls = new AtomicInteger();

        UnreliableStore(ObjectStore real) {
            this.real = real;
        }

        @Override
        public String type() {
            return real.type();
        }

        @Override
        public List<CheckResult> check() {
            return real.check();
        }

        @Override
        public String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                if (kind.get().equals("permanent")) {
                    throw new PermanentDeliveryException("403 Forbidden: the service account lacks storage.objects.create", null);
                }
                throw new TransientDeliveryException("503 Service Unavailable", null);
            }
            return real.put(name, content, metadata);
        }
    }

    @BeforeEach
    void makeCorpus() throws Exception {
        corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
    }

    @Test
    void transientOutageDelaysDeliveryThenEverythingArrivesOnce() throws Exception {
        Path spool = work.resolve("spool");
        UnreliableStore store = new UnreliableStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        store.failuresLeft.set(6);
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), EndToEndDeliveryTest.FAST)) {
            EndToEndDeliveryTest.send(gateway, corpus, "a1_1.dcm", "a1_2.dcm", "a2_3.dcm", "b_4.dcm", "c_5.dcm");
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 5);
            assertTrue(store.calls.get() >= 6 + 3, "the failed attempts were retried: " + store.calls.get());
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("result=\"transient\"} 6.0"), metrics);
        }
        assertEquals(3, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size());
        assertEquals(5, Delivered.rows(TestGateway.metadataOf(spool)).size(), "no duplicate rows");
    }

    @Test
    void permanentFailureIsDeadLetteredAndRetryDeliversIt() throws Exception {
        Path spool = work.resolve("spool");
        UnreliableStore store = new UnreliableStore(new LocalDirectoryStore(TestGateway.bucketOf(spool)));
        store.kind.set("permanent");
        store.failuresLeft.set(1);
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        try (Gateway gateway = TestGateway.start(spool, new Destinations(store,
                new NdjsonMetadataStore(TestGateway.metadataOf(spool), "gw-test")), EndToEndDeliveryTest.FAST)) {
            EndToEndDeliveryTest.send(gateway, corpus, "c_5.dcm");
            Delivered.awaitFiles(spool.resolve("failed"), ".json", 1);
            System.gc(); // gauges must survive collection (Micrometer holds their sources weakly)
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_batches{gateway=\"gw-1\",state=\"failed\"} 1.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_batches{gateway=\"gw-1\",state=\"sealed\"} 0.0"), metrics);
            assertTrue(!metrics.contains("NaN"), "no gauge lost its source: " + metrics);
            long failedBytes = Files.walk(spool.resolve("failed")).filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length()).sum();
            String failedSeries = "dicom_gateway_batches_bytes{gateway=\"gw-1\",state=\"failed\"} " + (double) failedBytes;
            for (int i = 0; i < 100 && !gateway.registry().scrape().contains(failedSeries); i++) {
                Thread.sleep(50); // recounted at the engine's next scan
            }
            metrics = gateway.registry().scrape();
            assertTrue(metrics.contains(failedSeries), failedSeries + " in " + metrics);
            assertTrue(metrics.contains("dicom_gateway_batches_bytes{gateway=\"gw-1\",state=\"sealed\"} 0.0"), metrics);
            String status = Cli.run("status", "--config", config.toString());
            assertTrue(status.contains("403 Forbidden"), "status shows the reason: " + status);
            assertEquals(0, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size());

            String retried = Cli.run("retry", "--all", "--config", config.toString());
            assertTrue(retried.startsWith("retrying "), retried);
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
        }
        assertEquals(1, Delivered.files(TestGateway.bucketOf(spool), ".tar.gz").size());
        assertEquals(0, Delivered.files(spool.resolve("failed"), ".json").size());
    }
}
