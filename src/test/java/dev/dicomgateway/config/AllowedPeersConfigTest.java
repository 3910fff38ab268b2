package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dicom.allowedPeers is checked when the configuration loads: a bad entry stops the start naming the key and entry. */
class AllowedPeersConfigTest {
    @TempDir
    Path dir;

    @Test
    void emptyByDefault() throws Exception {
        assertEquals(List.of(), GatewayConfig.load(null, Map.of()).dicom().allowedPeers());
    }

    @Test
    void entriesFromTheFileAndTheEnvironment() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                dicom:
                  allowedPeers: [10.20.0.0/16, 192.168.1.20, "fd00:1234::/32"]
                """);
        List<AddressRange> fromFile = GatewayConfig.load(file, Map.of()).dicom().allowedPeers();
        assertEquals(List.of("10.20.0.0/16", "192.168.1.20", "fd00:1234::/32"),
                fromFile.stream().map(AddressRange::toString).toList());
        List<AddressRange> fromEnvironment = GatewayConfig.load(file,
                Map.of("DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "127.0.0.1/32, ::1")).dicom().allowedPeers();
        assertEquals(List.of("127.0.0.1/32", "::1"), fromEnvironment.stream().map(AddressRange::toString).toList());
    }

    @Test
    void aBadCidrNamesTheKeyAndTheEntry() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                dicom:
                  allowedPeers: [10.0.0.0/8, pacs.example.org]
                """);
        String message = assertThrows(ConfigException.class, () -> GatewayConfig.load(file, Map.of())).getMessage();
        assertTrue(message.contains("dicom.allowedPeers"), message);
        assertTrue(message.contains("'pacs.example.org'"), message);
        assertTrue(message.contains("CIDR"), message);
    }

    @Test
    void aPrefixOutOfRangeNamesTheKeyTheEntryAndTheRange() {
        String v4 = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "10.0.0.0/33"))).getMessage();
        assertTrue(v4.contains("dicom.allowedPeers") && v4.contains("'10.0.0.0/33'") && v4.contains("0 to 32"), v4);
        String v6 = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_ALLOWEDPEERS", "fd00::/129"))).getMessage();
        assertTrue(v6.contains("dicom.allowedPeers") && v6.contains("'fd00::/129'") && v6.contains("0 to 128"), v6);
    }
}
