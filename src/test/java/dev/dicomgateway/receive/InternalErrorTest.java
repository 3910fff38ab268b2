package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An error the gateway did not foresee — here a StackOverflowError, as deep recursion in a parser would throw — ends
 * that one association with an A-ABORT, is counted as internal_error and logged in one line, and the listener
 * goes on serving. The next stage is replaced by a sink that fails, because no valid input should make it fail.
 */
class InternalErrorTest {
    @TempDir
    Path tmp;

    @Test
    void anUnexpectedErrorAbortsOnlyItsAssociation() throws Exception {
        GatewayConfig.Dicom settings = GatewayConfig.load(null, Map.of("DICOM_GATEWAY_DICOM_BIND", "127.0.0.1",
                "DICOM_GATEWAY_DICOM_PORT", "0")).dicom();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LogCapture log = new LogCapture();
             DicomListener listener = new DicomListener(settings, new FailingSink(tmp), new ReceiveMetrics(registry))) {
            listener.start();
            for (int i = 0; i < 2; i++) {
                try (RawScu scu = RawScu.associated(listener.port(), TestGateway.AE_TITLE, "FAILING")) {
                    scu.setTimeoutMillis(5_000);
                    scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.30." + i)));
                    scu.send(RawScu.pData(false, true, DataSets.ct("1.2.3.30." + i, "P1", "1.2.3.4.5", "1.2.3.4.5.6", 64)));
                    assertEquals(0x07, scu.read().type(), "A-ABORT, not silence");
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!registry.scrape().contains("result=\"internal_error\"} 2.0") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(registry.scrape().contains("result=\"internal_error\"} 2.0"), registry.scrape());
            String text = log.text();
            assertTrue(text.contains("failed unexpectedly (java.lang.StackOverflowError: injected)"), text);
            assertFalse(text.contains("\tat "), "no stack trace at INFO: " + text);
        }
    }

    private record FailingSink(Path temporaryDirectory) implements InstanceSink {
        @Override
        public StoreOutcome admit() {
            return null;
        }

        @Override
        public StoreOutcome store(StoreRequest request, java.io.InputStream dataSet) {
            throw new StackOverflowError("injected");
        }
    }
}
