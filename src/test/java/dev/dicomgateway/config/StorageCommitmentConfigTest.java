package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dicom.storageCommitment.*: the peers map from a file and a variable, and errors that name the key and the fix. */
class StorageCommitmentConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreSpooledWithNoPeers() throws Exception {
        GatewayConfig.StorageCommitment commitment = GatewayConfig.load(null, Map.of()).dicom().storageCommitment();
        assertEquals(GatewayConfig.CommitWhen.SPOOLED, commitment.when());
        assertEquals(Map.of(), commitment.peers());
        assertEquals(10000, commitment.maxInstancesPerRequest());
    }

    @Test
    void peersComeFromAYamlMapAndFromTheVariable() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, """
                dicom:
                  storageCommitment:
                    when: delivered
                    peers:
                      CT1: 10.0.0.5:104
                      MR-2: mr.example.org:11112
                """);
        GatewayConfig.StorageCommitment fromFile = GatewayConfig.load(file, Map.of()).dicom().storageCommitment();
        assertEquals(GatewayConfig.CommitWhen.DELIVERED, fromFile.when());
        assertEquals(Map.of("CT1", new GatewayConfig.Peer("10.0.0.5", 104),
                "MR-2", new GatewayConfig.Peer("mr.example.org", 11112)), fromFile.peers());
        GatewayConfig.StorageCommitment fromVariable = GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", "ORTHANC=127.0.0.1:4242")).dicom().storageCommitment();
        assertEquals(Map.of("ORTHANC", new GatewayConfig.Peer("127.0.0.1", 4242)), fromVariable.peers());
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        ConfigException when = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_WHEN", "deliverd")));
        assertTrue(when.getMessage().contains("dicom.storageCommitment.when") && when.getMessage().contains("did you mean delivered"),
                when.getMessage());
        ConfigException port = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", "CT1=10.0.0.5")));
        assertTrue(port.getMessage().contains("dicom.storageCommitment.peers") && port.getMessage().contains("host:port"),
                port.getMessage());
        ConfigException ae = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", "A-TITLE-FAR-TOO-LONG=10.0.0.5:104")));
        assertTrue(ae.getMessage().contains("AE title"), ae.getMessage());
    }
}
