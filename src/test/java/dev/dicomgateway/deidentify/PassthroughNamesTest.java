package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deidentify.enabled=false stages the data set as it is, but no path under the spool (outside private/), the bucket or
 * the metadata directory, no log line and no metric carries its PatientID or StudyInstanceUID: directories, batch ids
 * and object names are keyed digests, the same in object names and in the metadata rows' entity_id/item_id.
 */
class PassthroughNamesTest {
    private static final String PATIENT_ID = "PATIENT-SECRET-1";
    private static final String STUDY = "1.2.826.0.1.3680043.10.546.1";
    private static final String SERIES = STUDY + ".2"; // begins with the study UID, as real series UIDs often do

    @TempDir
    Path work;

    @Test
    void studyArchivesNameNothingByTheDataSet() throws Exception {
        run("study-archive", ".tar.gz");
    }

    @Test
    void instanceObjectsNameNothingByTheDataSet() throws Exception {
        run("instances", ".dcm");
    }

    private void run(String layout, String objectSuffix) throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        List<Path> files = List.of(instance("1"), instance("2"));
        String log;
        String metrics;
        try (LogCapture capture = new LogCapture(); Gateway gateway = TestGateway.startPassthrough(spool,
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_DESTINATION_LAYOUT", layout,
                "DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h", "DICOM_GATEWAY_LOG_LEVEL", "DEBUG")) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), report.result().output());
            Delivered.awaitMetadataRows(metadata, 2);
            metrics = gateway.registry().scrape();
            log = capture.text();
        }
        List<String> leaks = new ArrayList<>();
        for (Path root : List.of(spool, bucket, metadata)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> !p.startsWith(spool.resolve("private"))).map(Path::toString)
                        .filter(p -> p.contains(PATIENT_ID) || p.contains(STUDY)).forEach(leaks::add);
            }
        }
        assertEquals(List.of(), leaks, "paths carrying a value of the data set");
        assertTrue(log.contains("study sealed batch="), "the log names the batch: " + log);
        assertFalse(log.contains(PATIENT_ID) || log.contains(STUDY), log);
        assertFalse(metrics.contains(PATIENT_ID) || metrics.contains(STUDY), metrics);

        List<JsonNode> rows = Delivered.rows(metadata);
        List<Path> objects = Delivered.files(bucket, objectSuffix);
        assertEquals(layout.equals("instances") ? 2 : 1, objects.size(), objects.toString());
        for (JsonNode row : rows) {
            assertEquals(PATIENT_ID, row.get("PatientID").asText(), "the data set itself is passed through");
            String entity = row.get("entity_id").asText();
            String item = row.get("item_id").asText();
            assertTrue(entity.matches("E[A-Z2-7]{13}") && item.matches("I[A-Z2-7]{13}"), entity + " " + item);
            assertEquals(entity + "_" + item + "_p1", row.get("batch_id").asText());
            String object = row.get("object_uri").asText();
            assertTrue(object.contains("/Entity/" + entity + "/"), "object names use the same entity: " + object);
            assertTrue(object.contains(item), "and the same item: " + object);
            assertTrue(Files.isDirectory(spool.resolve("batches").resolve(row.get("batch_id").asText())),
                    "the batch directory has the row's batch id");
        }
    }

    private Path instance(String number) throws Exception {
        String sop = SERIES + "." + number;
        Path file = work.resolve("ct-" + number + ".dcm");
        try (var out = Files.newOutputStream(file)) {
            out.write(new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode());
            out.write(DataSets.ct(sop, PATIENT_ID, STUDY, SERIES, 2_000));
        }
        return file;
    }
}
