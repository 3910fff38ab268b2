package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance with a distinctive patient name, id, birth date and UIDs goes through the real gateway to a failed batch,
 * from a peer whose calling AE title is markup; no answer of the console (page, script, every /api/ answer) holds any
 * of those identifiers, and the AE title comes back only as JSON text (the page renders it with textContent).
 */
class ConsoleNoPhiTest {
    private static final String STUDY = "1.2.826.0.1.3680043.10.543.77";
    private static final String SOP = STUDY + ".1.1";
    private static final String HOSTILE_AE = "<img src=x onerr";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void noAnswerHoldsThePatientsIdentifiersOrOriginalUids() throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_RETRY_MAXATTEMPTS", "1",
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s")) {
            String base = "http://127.0.0.1:" + gateway.httpPort();
            Files.deleteIfExists(bucket);
            Files.writeString(bucket, "not a directory"); // the batch fails, so its error is shown
            byte[] dataSet = DataSets.explicitLittleEndian()
                    .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                    .text(0x0008, 0x0018, "UI", SOP)
                    .text(0x0008, 0x0060, "CS", "CT")
                    .text(0x0010, 0x0010, "PN", "ZEBRAQUIXOTE^VALENTINA")
                    .text(0x0010, 0x0020, "LO", "PATID-ZQ9931")
                    .text(0x0010, 0x0030, "DA", "19230405")
                    .text(0x0020, 0x000D, "UI", STUDY)
                    .text(0x0020, 0x000E, "UI", STUDY + ".1")
                    .pixelData(512).toByteArray();
            try (RawScu scu = RawScu.connect(gateway.dicomPort())) {
                scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, HOSTILE_AE, RawScu.CT_IMAGE_STORAGE,
                        RawScu.EXPLICIT_LE));
                assertEquals(0x02, scu.read().type(), "the association is accepted");
                assertTrue(StoreCall.store(scu, 1, SOP, dataSet).success());
                StoreCall.release(scu);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!get(base + "/api/batches").contains("\"batch\"") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            String batches = get(base + "/api/batches");
            assertTrue(batches.contains("last_error"), batches);
            String associations = get(base + "/api/associations");
            assertTrue(associations.contains("\"calling_ae\" : \"<img src=x onerr\""), associations);
            StringBuilder all = new StringBuilder();
            for (String path : List.of("/", "/console.js", "/api/status", "/api/batches", "/api/quarantine",
                    "/api/associations", "/metrics", "/readyz")) {
                all.append(path).append(":\n").append(get(base + path)).append('\n');
            }
            for (String phi : List.of("ZEBRAQUIXOTE", "VALENTINA", "PATID-ZQ9931", "19230405", "1923-04-05", STUDY)) {
                assertFalse(all.toString().contains(phi), phi + " in an answer:\n" + all);
            }
        }
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
