package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calling_ae label of instances_received_total is bounded by dicom.allowedCallingAeTitles: a sender inventing a
 * new calling AE title per association cannot create a metric series per title.
 */
class CallingAeLabelTest {
    private static final String METRIC = "dicom_gateway_instances_received_total{";

    @TempDir
    Path spool;

    @Test
    void tenThousandCallingAeTitlesWithoutAnAllowListAreOneSeries() throws Exception {
        int senders = 10_000;
        try (Gateway gateway = TestGateway.startPassthrough(spool)) {
            storeOne(gateway, "WARMUP", "1.2.3.40.0");
            int before = gateway.registry().scrape().length();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<?>> stores = new java.util.ArrayList<>();
            for (int i = 1; i <= senders; i++) {
                int n = i;
                stores.add(pool.submit(() -> {
                    storeOne(gateway, "SENDER" + n, "1.2.3.40." + n);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> store : stores) {
                store.get();
            }
            pool.shutdown();
            List<String> series = series(gateway);
            assertEquals(List.of(METRIC + "calling_ae=\"other\",gateway=\"gw-1\"} " + (senders + 1) + ".0"), series);
            int after = gateway.registry().scrape().length();
            assertTrue(after - before < 2_000, "/metrics grew from " + before + " to " + after + " characters");
        }
    }

    @Test
    void allowedCallingAeTitlesKeepTheirOwnLabel() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool,
                "DICOM_GATEWAY_DICOM_ALLOWEDCALLINGAETITLES", "CT01,MR02")) {
            storeOne(gateway, "CT01", "1.2.3.41.1");
            storeOne(gateway, "CT01", "1.2.3.41.2");
            storeOne(gateway, "MR02", "1.2.3.41.3");
            List<String> series = series(gateway);
            assertTrue(series.contains(METRIC + "calling_ae=\"CT01\",gateway=\"gw-1\"} 2.0"), series.toString());
            assertTrue(series.contains(METRIC + "calling_ae=\"MR02\",gateway=\"gw-1\"} 1.0"), series.toString());
            assertTrue(series.size() <= 3, "at most the allow-list plus other: " + series);
        }
    }

    private static List<String> series(Gateway gateway) {
        return gateway.registry().scrape().lines().filter(line -> line.startsWith(METRIC)).toList();
    }

    private static void storeOne(Gateway gateway, String callingAe, String sopInstanceUid) throws Exception {
        try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, callingAe)) {
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sopInstanceUid)));
            scu.send(RawScu.pData(false, true, DataSets.ct(sopInstanceUid, "P1", "1.2.3.4.5", "1.2.3.4.5.6", 64)));
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(scu.read().body())));
            scu.send(RawScu.releaseRequest());
            assertEquals(0x06, scu.read().type());
        }
    }
}
