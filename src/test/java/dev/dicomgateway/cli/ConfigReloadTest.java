package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP to the real gateway process after its configuration file changed: the allow-lists and log.level change for
 * new associations while an open one completes its C-STOREs; an invalid file is rejected whole and counted.
 */
class ConfigReloadTest {
    private static final String STUDY = "1.2.826.0.1.3680043.10.772.1";
    private static final String SERIES = STUDY + ".1";
    private static final int CALLING_AE_NOT_RECOGNIZED = 3;

    @TempDir
    Path dir;

    @Test
    void anAllowListChangeTakesEffectWithAnAssociationOpen() throws Exception {
        Path config = writeConfig("[STAYS, REMOVED]", "[]", "INFO");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.startWithConfig(config, dir.resolve("spool"), log)) {
            int port = gateway.dicomPort();
            try (RawScu open = RawScu.associated(port, TestGateway.AE_TITLE, "REMOVED")) {
                writeConfig("[STAYS, ADDED]", "[]", "INFO");
                reload(gateway, log, 1, "configuration reloaded");

                assertEquals(0x0000, store(open, 1), "the association open since before the reload stores on");
                assertEquals(0x0000, store(open, 2), "and again");
                open.send(RawScu.releaseRequest());
                assertEquals(0x06, open.read().type(), "A-RELEASE-RP");
            }
            assertEquals(CALLING_AE_NOT_RECOGNIZED, rejectionReason(port, "REMOVED"), "REMOVED is out for new associations");
            assertEquals(0x0000, storeOnce(port, "ADDED", 3), "ADDED is in");
            assertEquals(0x0000, storeOnce(port, "STAYS", 4), "STAYS stays in");
            String metrics = metrics(gateway);
            assertEquals(1.0, received(metrics, "ADDED"), metrics);
            assertEquals(2.0, received(metrics, "REMOVED"), "labelled as admitted: " + metrics);
            assertEquals(1.0, reloads(metrics, "applied"), metrics);
            assertEquals(0.0, reloads(metrics, "rejected"), metrics);
        }
    }

    @Test
    void anInvalidFileIsRejectedAsAWholeAndTheRunningConfigurationStays() throws Exception {
        Path config = writeConfig("[STAYS]", "[]", "INFO");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.startWithConfig(config, dir.resolve("spool"), log)) {
            // a valid new list and an invalid key in the same file: nothing of it applies
            Files.writeString(config, "dicom:\n  allowedCallingAeTitles: [OTHER]\n  maxAssociations: 0\n");
            reload(gateway, log, 1, "configuration reload rejected");
            String text = Files.readString(log);
            assertTrue(text.contains("dicom.maxAssociations"), "the error names the key: " + text);

            assertEquals(0x0000, storeOnce(gateway.dicomPort(), "STAYS", 1), "the old list still admits STAYS");
            assertEquals(CALLING_AE_NOT_RECOGNIZED, rejectionReason(gateway.dicomPort(), "OTHER"), "and nothing new");
            String metrics = metrics(gateway);
            assertEquals(1.0, reloads(metrics, "rejected"), metrics);
            assertEquals(0.0, reloads(metrics, "applied"), metrics);
        }
    }

    @Test
    void aRemovedPeerRangeClosesNewConnectionsButNotTheOpenAssociation() throws Exception {
        Path config = writeConfig("[]", "[127.0.0.0/8]", "INFO");
        Path log = dir.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.startWithConfig(config, dir.resolve("spool"), log)) {
            int port = gateway.dicomPort();
            try (RawScu open = RawScu.associated(port, TestGateway.AE_TITLE, "ANY")) {
                writeConfig("[]", "[192.0.2.0/24]", "INFO");
                reload(gateway, log, 1, "configuration reloaded");
                assertEquals(0x0000, store(open, 1), "the open association from 127.0.0.1 stores on");
                try (RawScu refused = RawScu.connect(port)) {
                    refused.setTimeoutMillis(5_000);
                    assertTrue(refused.closedByPeer(), "a new connection from 127.0.0.1 is closed before reading");
                }
            }
            writeConfig("[]", "[127.0.0.1]", "INFO");
            reload(gateway, log, 2, "configuration reloaded");
            assertEquals(0x0000, storeOnce(port, "ANY", 2), "added back: admitted again");
        }
    }

    @Test
    void logLevelAndRestartOnlyChanges() throws Exception {
        Path config = writeConfig("[]", "[]", "INFO");
        Path log = dir.resolve("gateway.log");
        String debugLine = "DEBUG [dicom-association-";
        try (GatewayProcess gateway = GatewayProcess.startWithConfig(config, dir.resolve("spool"), log)) {
            int port = gateway.dicomPort();
            assertEquals(0x0000, storeOnce(port, "SENDER", 1));
            assertFalse(Files.readString(log).contains(debugLine), "INFO: no association DEBUG lines");

            Files.writeString(config, "log:\n  level: DEBUG\ndicom:\n  maxAssociations: 7\n");
            reload(gateway, log, 1, "configuration reloaded");
            assertTrue(Files.readString(log).contains("dicom.maxAssociations changed: takes effect after a restart"),
                    Files.readString(log));
            assertEquals(0x0000, storeOnce(port, "SENDER", 2));
            assertTrue(awaitContains(log, debugLine), "DEBUG: an association's DEBUG line appears");

            writeConfig("[]", "[]", "INFO");
            reload(gateway, log, 2, "configuration reloaded");
            long debugLinesBefore = count(Files.readString(log), debugLine);
            assertEquals(0x0000, storeOnce(port, "SENDER", 3));
            awaitContains(log, "outcome=released", 3);
            assertEquals(debugLinesBefore, count(Files.readString(log), debugLine), "INFO again: no more DEBUG lines");
        }
    }

    private Path writeConfig(String callingAeTitles, String peers, String level) throws IOException {
        return Files.writeString(dir.resolve("gateway.yaml"), "dicom:\n  allowedCallingAeTitles: " + callingAeTitles
                + "\n  allowedPeers: " + peers + "\nlog:\n  level: " + level + "\n");
    }

    /** SIGHUP, then waits for the {@code nth} line containing {@code outcome}. */
    private static void reload(GatewayProcess gateway, Path log, int nth, String outcome) throws Exception {
        gateway.httpPort(); // ready: a SIGHUP during the start would be applied only then
        gateway.signal("HUP");
        assertTrue(awaitContains(log, outcome, nth), "no reload line \"" + outcome + "\" #" + nth + ":\n" + Files.readString(log));
    }

    private static boolean awaitContains(Path log, String text) throws Exception {
        return awaitContains(log, text, 1);
    }

    private static boolean awaitContains(Path log, String text, int times) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (count(Files.readString(log), text) < times) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static long count(String haystack, String needle) {
        long count = 0;
        for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    /** One C-STORE on an open association; its status. */
    private static int store(RawScu scu, int n) throws IOException {
        String sop = SERIES + "." + n + "." + System.nanoTime() % 100_000;
        scu.send(RawScu.pData(true, true, RawScu.storeCommand(n, RawScu.CT_IMAGE_STORAGE, sop)));
        scu.send(RawScu.dataSetPdus(DataSets.ct(sop, "PAT-RELOAD", STUDY, SERIES, 2_000)));
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type(), "P-DATA-TF with the C-STORE-RSP");
        return RawScu.status(RawScu.pdvData(response.body()));
    }

    /** A new association from {@code callingAe}: one C-STORE and release; the C-STORE's status. */
    private static int storeOnce(int port, String callingAe, int n) throws IOException {
        try (RawScu scu = RawScu.associated(port, TestGateway.AE_TITLE, callingAe)) {
            int status = store(scu, n);
            scu.send(RawScu.releaseRequest());
            assertEquals(0x06, scu.read().type(), "A-RELEASE-RP");
            return status;
        }
    }

    /** The reason of the A-ASSOCIATE-RJ a new association from {@code callingAe} gets. */
    private static int rejectionReason(int port, String callingAe) throws IOException {
        try (RawScu scu = RawScu.connect(port)) {
            scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, callingAe, RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE));
            RawScu.Pdu answer = scu.read();
            assertEquals(0x03, answer.type(), "A-ASSOCIATE-RJ for " + callingAe);
            return answer.body()[3] & 0xFF;
        }
    }

    private static String metrics(GatewayProcess gateway) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static double received(String metrics, String callingAe) {
        return value(metrics, "dicom_gateway_instances_received_total\\{calling_ae=\"" + callingAe + "\",[^}]*}");
    }

    private static double reloads(String metrics, String result) {
        return value(metrics, "dicom_gateway_config_reloads_total\\{[^}]*result=\"" + result + "\"[^}]*}");
    }

    private static double value(String metrics, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }
}
