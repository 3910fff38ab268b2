package dev.dicomgateway.testing;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts a real gateway in this JVM on loopback and free ports, spooling into {@code spool}. Settings are passed as
 * DICOM_GATEWAY_* variables, the same way operators override them.
 */
public final class TestGateway {
    public static final String AE_TITLE = "DICOM-GATEWAY";
    /** Overrides for tests of the receive path itself: instances staged exactly as received, none quarantined. */
    public static final String[] PASSTHROUGH = {"DICOM_GATEWAY_DEIDENTIFY_ENABLED", "false",
            "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false"};

    private TestGateway() {
    }

    /** Starts a passthrough gateway (no de-identification) plus {@code overrides}. */
    public static Gateway startPassthrough(Path spool, String... overrides) throws Exception {
        String[] all = java.util.Arrays.copyOf(PASSTHROUGH, PASSTHROUGH.length + overrides.length);
        System.arraycopy(overrides, 0, all, PASSTHROUGH.length, overrides.length);
        return start(spool, all);
    }

    /** The local object store of a test gateway spooling into {@code spool}. */
    public static Path bucketOf(Path spool) {
        return spool.resolveSibling(spool.getFileName() + "-bucket");
    }

    /** The local metadata store of a test gateway spooling into {@code spool}. */
    public static Path metadataOf(Path spool) {
        return spool.resolveSibling(spool.getFileName() + "-metadata");
    }

    public static Gateway start(Path spool, String... overrides) throws Exception {
        return start(spool, null, overrides);
    }

    /** Starts with {@code destinations} (null: those of the configuration). */
    public static Gateway start(Path spool, dev.dicomgateway.deliver.Destinations destinations, String... overrides)
            throws Exception {
        GatewayConfig config = config(spool, overrides);
        return destinations == null ? Gateway.start(config) : Gateway.start(config, destinations);
    }

    /** Starts with the destinations of the configuration and {@code clock} (a {@link ManualClock}) for every stage. */
    public static Gateway startWithClock(Path spool, java.time.Clock clock, String... overrides) throws Exception {
        GatewayConfig config = config(spool, overrides);
        return Gateway.start(config, dev.dicomgateway.deliver.Destinations.fromConfig(config), clock);
    }

    private static GatewayConfig config(Path spool, String... overrides) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "DICOM_GATEWAY_DICOM_BIND", "127.0.0.1",
                "DICOM_GATEWAY_DICOM_PORT", "0",
                "DICOM_GATEWAY_DICOM_SHUTDOWNTIMEOUT", "5s", // associations left open by a test: the grace before this key
                "DICOM_GATEWAY_HTTP_PORT", "0",
                "DICOM_GATEWAY_SPOOL_DIR", spool.toString(),
                "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "0",
                "DICOM_GATEWAY_SPOOL_RESERVEBYTES", "1MiB", // a real reserve, but not 64 MiB written per test
                "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", spool.resolve("private").resolve("deidentify.key").toString(),
                "DICOM_GATEWAY_DESTINATION_LOCAL_DIR", bucketOf(spool).toString(),
                "DICOM_GATEWAY_METADATA_LOCAL_DIR", metadataOf(spool).toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            environment.put(overrides[i], overrides[i + 1]);
        }
        return GatewayConfig.load(null, environment);
    }
}
