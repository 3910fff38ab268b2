package dev.dicomgateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.TestGateway;
import dev.dicomgateway.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway.start hands its clock to every stage that reads the time of day: a real gateway, a real storescu, and a
 * clock five years ahead that only the test moves. With study.stableAfter at an hour, only that clock can seal.
 */
class GatewayClockTest {
    private static final Instant T0 = Instant.parse("2031-03-04T05:06:07Z");

    @TempDir
    Path work;

    @Test
    void theLookupTableTheSealAndTheDeliveryAllTellTheGivenClocksTime() throws Exception {
        ManualClock clock = new ManualClock(T0);
        Path spool = work.resolve("spool");
        Path file = TestSpool.corpusFile("CT_small.dcm");
        try (Gateway gateway = TestGateway.startWithClock(spool, clock, "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h")) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", List.of(file));
            assertEquals(List.of(file), report.stored(), report.result().output());
            Instant sealedAt = clock.advance(Duration.ofHours(1));
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
            List<Path> records = Delivered.files(spool.resolve("delivered"), ".json");
            assertEquals(1, records.size(), "the batch is delivered and its manifest kept for audit: " + records);
            BatchManifest delivered = BatchManifest.read(records.get(0));
            assertEquals(sealedAt.toString(), delivered.sealedAt, "the sealer's clock");
            assertEquals(sealedAt.toString(), delivered.deliveredAt, "the delivery engine's clock");
        }
        List<String> lookup = Files.readAllLines(spool.resolve("private").resolve("lookup.tsv"));
        assertEquals(2, lookup.size(), "a header and the study's row: " + lookup.size() + " lines");
        assertEquals(T0.toString(), lookup.get(1).split("\t")[0], "the de-identifier's clock");
    }
}
