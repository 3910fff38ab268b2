package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The key names a reload logs as "changed: takes effect after a restart" are the configuration's own keys. */
class RestartOnlyChangesTest {
    private static final Map<String, String> BASE = Map.of("DICOM_GATEWAY_SPOOL_DIR", "/var/lib/dicom-gateway/spool");

    @ParameterizedTest
    @CsvSource({
            "dicom.port, 11113",
            "dicom.shutdownTimeout, 5s",
            "dicom.maxAssociations, 3",
            "gateway.id, gw-2",
            "deliver.workers, 3",
            "spool.dir, /srv/other-spool",
            "destination.local.dir, /srv/bucket",
            "metadata.local.dir, /srv/metadata",
            "deidentify.quarantine.enabled, false",
            "deidentify.quarantine.retention, 7d",
            "destination.gcs.bucket, another-bucket",
    })
    void aChangedKeyIsNamedByItsConfigurationKey(String key, String value) throws ConfigException {
        assertEquals(List.of(key), RestartOnlyChanges.between(load(Map.of()), load(Map.of(key, value))));
    }

    @Test
    void whatAReloadAppliesIsNotARestartOnlyChange() throws ConfigException {
        GatewayConfig reloaded = load(Map.of("dicom.allowedCallingAeTitles", "CT01,PACS", "dicom.allowedPeers", "10.0.0.0/8",
                "log.level", "DEBUG"));
        assertEquals(List.of(), RestartOnlyChanges.between(load(Map.of()), reloaded));
    }

    @Test
    void anUnchangedConfigurationHasNoChanges() throws ConfigException {
        assertEquals(List.of(), RestartOnlyChanges.between(load(Map.of()), load(Map.of())));
    }

    /** The defaults with {@code overrides} (configuration key to value) given as DICOM_GATEWAY_* variables. */
    private static GatewayConfig load(Map<String, String> overrides) throws ConfigException {
        Map<String, String> environment = new HashMap<>(BASE);
        overrides.forEach((key, value) -> environment.put("DICOM_GATEWAY_" + key.replace('.', '_').toUpperCase(), value));
        return GatewayConfig.load(null, environment);
    }
}
