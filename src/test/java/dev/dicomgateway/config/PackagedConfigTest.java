package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * packaging/deb/gateway.yaml, the Debian package's /etc/dicom-gateway/gateway.yaml: valid, and every path absolute under
 * /var/lib/dicom-gateway (the unit's StateDirectory, the only place the service may write).
 */
class PackagedConfigTest {
    @Test
    void everyPathIsUnderTheStateDirectory() throws Exception {
        GatewayConfig config = GatewayConfig.load(Path.of("packaging/deb/gateway.yaml"), Map.of());
        assertEquals(List.of(Path.of("/var/lib/dicom-gateway/spool"), Path.of("/var/lib/dicom-gateway/private/deidentify.key"),
                Path.of("/var/lib/dicom-gateway/bucket"), Path.of("/var/lib/dicom-gateway/metadata")),
                List.of(config.spool().dir(), config.deidentify().secretFile(), config.destination().localDir(),
                        config.metadata().localDir()));
        assertEquals("127.0.0.1", config.http().bind(), "the operations endpoint stays on loopback");
    }
}
