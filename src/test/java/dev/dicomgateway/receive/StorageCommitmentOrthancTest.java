package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.InstanceFiles;
import dev.dicomgateway.testing.OrthancProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage Commitment with a real Orthanc 1.10 as the SCU: it stores instances to the gateway, asks for commitment of
 * those plus one never sent, and receives the report (Orthanc closes its N-ACTION association at once, so the report
 * comes on a new association the gateway opens to dicom.storageCommitment.peers).
 */
class StorageCommitmentOrthancTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sentInstancesAreCommittedAndTheNeverSentOneFails() throws Exception {
        assumeTrue(OrthancProcess.installed(), "orthanc is installed by bin/install-prerequisites --test");
        int orthancPort = GatewayProcess.freePort();
        try (Gateway gateway = TestGateway.start(dir.resolve("spool"),
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", OrthancProcess.AE_TITLE + "=127.0.0.1:" + orthancPort);
             OrthancProcess orthanc = OrthancProcess.start(dir.resolve("orthanc"), orthancPort, TestGateway.AE_TITLE,
                     gateway.dicomPort())) {
            List<Path> files = InstanceFiles.ct(dir.resolve("files"), "1.2.826.0.1.3680043.10.543.7", 1, 3, 256);
            List<String> ids = new ArrayList<>();
            for (Path file : files) {
                JsonNode uploaded = JSON.readTree(orthanc.post("/instances", Files.readAllBytes(file)).body());
                ids.add(uploaded.get("ID").asText());
            }
            String store = orthanc.post("/modalities/gw/store", JSON.writeValueAsBytes(
                    java.util.Map.of("Resources", ids, "Synchronous", true))).body();
            assertTrue(store.contains("\"FailedInstancesCount\" : 0") || !store.contains("Failed"), store);

            JsonNode report = commit(orthanc, files, "1.2.826.0.1.3680043.10.543.7.0.99");

            assertEquals("Failure", report.get("Status").asText(), report.toString()); // one failed: event type 2
            Set<String> committed = new HashSet<>();
            report.get("Success").forEach(item -> committed.add(item.get("SOPInstanceUID").asText()));
            assertEquals(Set.of("1.2.826.0.1.3680043.10.543.7.0.1", "1.2.826.0.1.3680043.10.543.7.0.2",
                    "1.2.826.0.1.3680043.10.543.7.0.3"), committed, report.toString());
            assertEquals(1, report.get("Failures").size(), report.toString());
            JsonNode failure = report.get("Failures").get(0);
            assertEquals("1.2.826.0.1.3680043.10.543.7.0.99", failure.get("SOPInstanceUID").asText());
            assertEquals(0x0112, failure.get("FailureReason").asInt(), report.toString());
        }
    }

    @Test
    void whenDeliveredTheReportWaitsForDelivery() throws Exception {
        assumeTrue(OrthancProcess.installed(), "orthanc is installed by bin/install-prerequisites --test");
        int orthancPort = GatewayProcess.freePort();
        try (Gateway gateway = TestGateway.start(dir.resolve("spool"),
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", OrthancProcess.AE_TITLE + "=127.0.0.1:" + orthancPort,
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_WHEN", "delivered",
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_DELIVERYCHECKINTERVAL", "200ms",
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "4s"); // delivery starts 4 s after the last instance
             OrthancProcess orthanc = OrthancProcess.start(dir.resolve("orthanc"), orthancPort, TestGateway.AE_TITLE,
                     gateway.dicomPort())) {
            List<Path> files = InstanceFiles.ct(dir.resolve("files"), "1.2.826.0.1.3680043.10.543.8", 1, 2, 256);
            List<String> ids = new ArrayList<>();
            for (Path file : files) {
                ids.add(JSON.readTree(orthanc.post("/instances", Files.readAllBytes(file)).body()).get("ID").asText());
            }
            orthanc.post("/modalities/gw/store", JSON.writeValueAsBytes(java.util.Map.of("Resources", ids, "Synchronous", true)));
            long stored = System.nanoTime();

            JsonNode report = commit(orthanc, files, "1.2.826.0.1.3680043.10.543.8.0.99");

            long waitedMillis = (System.nanoTime() - stored) / 1_000_000;
            assertTrue(waitedMillis >= 3_500, "report after " + waitedMillis + " ms, before delivery could run");
            assertEquals(2, report.get("Success").size(), report.toString());
            assertEquals(1, report.get("Failures").size(), report.toString());
            assertTrue(Files.list(TestGateway.bucketOf(dir.resolve("spool"))).findAny().isPresent(), "delivered");
        }
    }

    @Test
    void aPendingRequestSurvivesARestart() throws Exception {
        assumeTrue(OrthancProcess.installed(), "orthanc is installed by bin/install-prerequisites --test");
        int orthancPort = GatewayProcess.freePort();
        Path spool = dir.resolve("spool");
        String[] settings = {"DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", OrthancProcess.AE_TITLE + "=127.0.0.1:" + orthancPort,
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_WHEN", "delivered",
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_DELIVERYCHECKINTERVAL", "200ms",
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "3s"};
        List<Path> files = InstanceFiles.ct(dir.resolve("files"), "1.2.826.0.1.3680043.10.543.9", 1, 2, 256);
        Gateway first = TestGateway.start(spool, settings);
        try (OrthancProcess orthanc = OrthancProcess.start(dir.resolve("orthanc"), orthancPort, TestGateway.AE_TITLE,
                first.dicomPort())) {
            List<String> ids = new ArrayList<>();
            for (Path file : files) {
                ids.add(JSON.readTree(orthanc.post("/instances", Files.readAllBytes(file)).body()).get("ID").asText());
            }
            String job;
            try {
                orthanc.post("/modalities/gw/store", JSON.writeValueAsBytes(java.util.Map.of("Resources", ids, "Synchronous", true)));
                job = requestCommitment(orthanc, files, "1.2.826.0.1.3680043.10.543.9.0.99");
                Path commitments = spool.resolve("commitments");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!Files.isDirectory(commitments) || Files.list(commitments).findAny().isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "no pending commitment file");
                    Thread.sleep(50);
                }
                for (Path file : Files.list(commitments).toList()) { // no original UID in the clear
                    String text = Files.readString(file);
                    assertTrue(!text.contains("1.2.826.0.1.3680043.10.543.9"), text);
                }
            } finally {
                first.close(); // before delivery: the request is pending
            }
            assertEquals("Pending", JSON.readTree(orthanc.get(job).body()).get("Status").asText());
            try (Gateway second = TestGateway.start(spool, settings)) {
                JsonNode report = awaitReport(orthanc, job);
                assertEquals(2, report.get("Success").size(), report.toString());
                assertEquals(1, report.get("Failures").size(), report.toString());
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (Files.list(spool.resolve("commitments")).findAny().isPresent()) { // deleted once accepted
                    assertTrue(System.nanoTime() < deadline, "pending file left after the report");
                    Thread.sleep(50);
                }
            }
        }
    }

    /** Asks Orthanc to request commitment of {@code files} and {@code neverSent}; polls until the report came. */
    static JsonNode commit(OrthancProcess orthanc, List<Path> files, String neverSent) throws Exception {
        return awaitReport(orthanc, requestCommitment(orthanc, files, neverSent));
    }

    /** Starts the request; returns the path of its report. */
    static String requestCommitment(OrthancProcess orthanc, List<Path> files, String neverSent) throws Exception {
        List<Object> instances = new ArrayList<>();
        for (Path file : files) {
            String sop = file.getFileName().toString().replace(".dcm", "");
            instances.add(java.util.Map.of("SOPClassUID", RawScu.CT_IMAGE_STORAGE, "SOPInstanceUID", sop));
        }
        instances.add(java.util.Map.of("SOPClassUID", RawScu.CT_IMAGE_STORAGE, "SOPInstanceUID", neverSent));
        String started = orthanc.post("/modalities/gw/storage-commitment", JSON.writeValueAsBytes(
                java.util.Map.of("DicomInstances", instances))).body();
        JsonNode job = JSON.readTree(started);
        assertTrue(job.has("Path"), started);
        return job.get("Path").asText();
    }

    static JsonNode awaitReport(OrthancProcess orthanc, String path) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonNode report = JSON.readTree(orthanc.get(path).body());
            if (!"Pending".equals(report.get("Status").asText())) {
                return report;
            }
            assertTrue(System.nanoTime() < deadline, "no report within 30 s: " + report);
            Thread.sleep(200);
        }
    }
}
