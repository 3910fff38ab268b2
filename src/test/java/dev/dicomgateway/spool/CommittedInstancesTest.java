package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.deidentify.PassthroughDeidentifier;
import dev.dicomgateway.receive.InstanceCommitment.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Storage Commitment finds an instance, one place at a time, on a spool laid out by hand: a staged file in
 * incoming/, a file in a batch directory that has no manifest yet (a seal in transit: files moved, index not yet
 * written), the index (sealed, delivered), nowhere.
 */
class CommittedInstancesTest {
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String COLLECTION = "c";

    @TempDir
    Path work;

    @Test
    void eachPlaceAnInstanceCanBeIsFoundAndAnInstanceInNoneIsNotReceived() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of(
                "DICOM_GATEWAY_SPOOL_DIR", work.resolve("spool").toString(),
                "DICOM_GATEWAY_DEIDENTIFY_ENABLED", "false",
                "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false",
                "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", work.resolve("spool/private/deidentify.key").toString()));
        SpoolLayout layout = new SpoolLayout(config.spool().dir());
        layout.create();
        Deidentifier deidentifier = PassthroughDeidentifier.open(config.deidentify(), layout.privateArea());
        String open = "1.2.826.0.1.3680043.10.547.1";
        String inTransit = "1.2.826.0.1.3680043.10.547.2";
        String sealed = "1.2.826.0.1.3680043.10.547.3";
        String delivered = "1.2.826.0.1.3680043.10.547.4";
        String sealedBatchFile = "1.2.826.0.1.3680043.10.547.5";
        String resent = "1.2.826.0.1.3680043.10.547.6"; // delivered, then sent again with other content

        Path series = layout.incoming().resolve(PathSegment.encode(COLLECTION)).resolve("e/i/se");
        Files.createDirectories(series);
        Files.write(series.resolve(deidentifier.stagedSopInstanceUid(open) + ".dcm"), new byte[] {1});
        Files.write(series.resolve(deidentifier.stagedSopInstanceUid(resent) + ".dcm"), new byte[] {2});
        Path transit = layout.batches().resolve("b-transit").resolve(BatchManifest.FILES_DIRECTORY).resolve("e/i/se");
        Files.createDirectories(transit);
        Files.write(transit.resolve(deidentifier.stagedSopInstanceUid(inTransit) + ".dcm"), new byte[] {1});
        Path done = layout.batches().resolve("b-done");
        Files.createDirectories(done.resolve(BatchManifest.FILES_DIRECTORY).resolve("e/i/se"));
        Files.write(done.resolve(BatchManifest.FILES_DIRECTORY).resolve("e/i/se")
                .resolve(deidentifier.stagedSopInstanceUid(sealedBatchFile) + ".dcm"), new byte[] {1});
        Files.writeString(done.resolve(BatchManifest.FILE_NAME), "{}"); // a manifest: the index is authoritative here

        try (DeliveredInstanceIndex index = DeliveredInstanceIndex.open(layout.instanceIndex())) {
            index.seal(COLLECTION, "b-sealed", List.of(
                    new DeliveredInstanceIndex.Sealing(deidentifier.stagedSopInstanceUid(sealed), "d1"),
                    new DeliveredInstanceIndex.Sealing(deidentifier.stagedSopInstanceUid(delivered), "d2"),
                    new DeliveredInstanceIndex.Sealing(deidentifier.stagedSopInstanceUid(resent), "d3")), Instant.now());
            index.delivered(COLLECTION, "b-sealed", List.of(new DeliveredInstanceIndex.Delivery(
                    deidentifier.stagedSopInstanceUid(delivered), "gs://bucket/x.dcm"), new DeliveredInstanceIndex.Delivery(
                    deidentifier.stagedSopInstanceUid(resent), "gs://bucket/y.dcm")), Instant.now());
            CommittedInstances instances = new CommittedInstances(deidentifier, index, layout, COLLECTION);

            assertEquals(State.DURABLE, instances.state(CT, open), "staged in incoming/");
            assertEquals(State.DURABLE, instances.state(CT, inTransit), "in a batch being sealed (no manifest yet)");
            assertEquals(State.DURABLE, instances.state(CT, sealed), "sealed in the index");
            assertEquals(State.DELIVERED, instances.state(CT, delivered), "delivered in the index");
            assertEquals(State.DURABLE, instances.state(CT, resent),
                    "delivered once, but its new content waits in incoming/: not delivered yet");
            assertEquals(State.NOT_RECEIVED, instances.state(CT, sealedBatchFile),
                    "a file in a batch with a manifest counts only through the index");
            assertEquals(State.NOT_RECEIVED, instances.state(CT, "1.2.826.0.1.3680043.10.547.9"), "nowhere");
            assertEquals(State.NOT_RECEIVED, instances.state(CT, "not a UID"));
        }
    }
}
