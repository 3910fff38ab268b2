package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DicomSummary;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyed pseudonyms keep the relationships research needs: a study's instances share one new Study Instance UID and
 * item id, a patient's studies share the entity id, references point at the new UIDs, a series sent after a
 * restart (or to another gateway with the same secret) joins its study; a different secret links nothing.
 */
class PseudonymRelationshipsTest {
    @TempDir
    Path work;
    private Path corpus;

    @BeforeEach
    void makeCorpus() throws Exception {
        corpus = work.resolve("corpus");
        RelationshipCorpus.make(corpus);
    }

    @Test
    void studiesPatientsReferencesAndDatesKeepTheirRelationships() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, "a1_1.dcm", "a1_2.dcm", "b_4.dcm", "c_5.dcm");
        }
        try (Gateway restarted = TestGateway.start(spool)) {
            send(restarted, "a2_3.dcm"); // the late series, after a restart
        }
        Map<Integer, JsonNode> staged = DicomSummary.byInstanceNumber(StagedFiles.under(spool));
        Map<Integer, JsonNode> source = DicomSummary.byInstanceNumber(sources("a1_1.dcm", "a1_2.dcm", "a2_3.dcm", "b_4.dcm", "c_5.dcm"));
        assertEquals(5, staged.size());

        // one study: same new Study Instance UID, item id (AccessionNumber), entity; the late series joined it
        for (int n : new int[] {2, 3}) {
            assertEquals(text(staged, 1, "StudyInstanceUID"), text(staged, n, "StudyInstanceUID"));
            assertEquals(text(staged, 1, "AccessionNumber"), text(staged, n, "AccessionNumber"));
            assertEquals(parent(staged, 1, 2), parent(staged, n, 2), "same study directory");
        }
        assertNotEquals(text(staged, 1, "SeriesInstanceUID"), text(staged, 3, "SeriesInstanceUID"));
        assertEquals(text(staged, 1, "FrameOfReferenceUID"), text(staged, 3, "FrameOfReferenceUID"));
        // one patient: same entity across studies A and B; patient P2 differs
        assertEquals(text(staged, 1, "PatientID"), text(staged, 4, "PatientID"));
        assertEquals(text(staged, 1, "PatientID"), text(staged, 1, "PatientName"));
        assertNotEquals(text(staged, 1, "StudyInstanceUID"), text(staged, 4, "StudyInstanceUID"));
        assertNotEquals(text(staged, 1, "PatientID"), text(staged, 5, "PatientID"));
        assertEquals(parent(staged, 1, 3), parent(staged, 4, 3), "same entity directory");
        // references follow: instance 3 references instance 1's new SOP Instance UID
        assertEquals(List.of(text(staged, 1, "SOPInstanceUID")), list(staged.get(3).get("ReferencedSOPInstanceUIDs")));
        assertEquals(text(staged, 1, "SOPInstanceUID"), text(staged, 1, "MediaStorageSOPInstanceUID"));
        // nothing original left in these fields; all new UIDs are 2.25 UIDs
        for (int n = 1; n <= 5; n++) {
            for (String field : new String[] {"PatientID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID",
                    "AccessionNumber", "StudyDate", "FrameOfReferenceUID"}) {
                assertNotEquals(text(source, n, field), text(staged, n, field), field + " of instance " + n);
            }
            assertTrue(text(staged, n, "SOPInstanceUID").startsWith("2.25."));
            assertTrue(text(staged, n, "AccessionNumber").length() <= 16);
            assertEquals("YES", text(staged, n, "PatientIdentityRemoved"));
            assertEquals("", text(staged, n, "IssuerOfPatientID"));
            // Retain Patient Characteristics
            for (String field : new String[] {"PatientSex", "PatientAge", "PatientWeight", "PatientSize"}) {
                assertEquals(text(source, n, field), text(staged, n, field), field);
            }
            assertEquals(text(source, n, "StudyTime"), text(staged, n, "StudyTime"));
            assertEquals(text(source, n, "PixelDataHex"), text(staged, n, "PixelDataHex"), "pixel data untouched");
        }
        // Modified dates: the interval between a patient's studies is preserved, the dates themselves are not
        assertEquals(days(source, 1, 4), days(staged, 1, 4));
        assertEquals(text(staged, 1, "StudyDate"), text(staged, 1, "SeriesDate"));

        // the lookup table leads authorised staff back to the originals
        String entity = text(staged, 1, "PatientID");
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        String lookup = Cli.run("lookup", "--config", config.toString(), entity);
        assertTrue(lookup.contains("\tP1\tHOSPITAL-A\tACC-1\t1.2.826.0.1.3680043.10.544.1\t"), lookup);
        assertTrue(lookup.contains("\tACC-2\t"), "both of P1's studies: " + lookup);
        assertTrue(!lookup.contains("\tP2\t"), lookup);
        assertEquals(1, lookup.split("\tACC-1\t", -1).length - 1, "one row per study, also after a restart: " + lookup);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.resolve("private/lookup.tsv"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.resolve("private/deidentify.key"))));
    }

    @Test
    void anotherGatewayWithTheSameSecretAgreesAndADifferentSecretDoesNot() throws Exception {
        Path first = work.resolve("first");
        try (Gateway gateway = TestGateway.start(first)) {
            send(gateway, "a1_1.dcm");
        }
        Path second = work.resolve("second");
        Files.createDirectories(second.resolve("private"));
        Files.copy(first.resolve("private/deidentify.key"), second.resolve("private/deidentify.key"),
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        try (Gateway gateway = TestGateway.start(second)) {
            send(gateway, "a1_1.dcm");
        }
        Path other = work.resolve("other");
        try (Gateway gateway = TestGateway.start(other)) {
            send(gateway, "a1_1.dcm");
        }
        Path a = first.relativize(StagedFiles.under(first).get(0));
        Path b = second.relativize(StagedFiles.under(second).get(0));
        Path c = other.relativize(StagedFiles.under(other).get(0));
        assertEquals(a, b, "same secret, same entity/item/series/SOP path");
        assertEquals(Files.readString(StagedFiles.under(first).get(0), StandardCharsets.ISO_8859_1),
                Files.readString(StagedFiles.under(second).get(0), StandardCharsets.ISO_8859_1), "byte-identical output");
        for (int i = 2; i < 6; i++) { // entity, item, series, sop
            assertNotEquals(a.getName(i), c.getName(i), "different secret: nothing in common at level " + i);
        }
    }

    @Test
    void secretReadableByOthersStopsTheGateway() throws Exception {
        Path spool = work.resolve("spool");
        Files.createDirectories(spool.resolve("private"));
        Path key = Files.writeString(spool.resolve("private/deidentify.key"), "00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        java.io.IOException error = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TestGateway.start(spool));
        assertTrue(error.getMessage().contains("chmod 600"), error.getMessage());
    }

    private void send(Gateway gateway, String... names) throws Exception {
        List<Path> files = sources(names);
        Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
        assertEquals(files, report.stored(), report.result().output());
    }

    private List<Path> sources(String... names) {
        return java.util.Arrays.stream(names).map(corpus::resolve).toList();
    }

    private static String text(Map<Integer, JsonNode> summaries, int instance, String field) {
        return summaries.get(instance).get(field).asText();
    }

    private static List<String> list(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The directory {@code levels} above the staged file (2 = item, 3 = entity). */
    private static Path parent(Map<Integer, JsonNode> summaries, int instance, int levels) {
        Path path = Path.of(text(summaries, instance, "path"));
        for (int i = 0; i < levels; i++) {
            path = path.getParent();
        }
        return path;
    }

    private static long days(Map<Integer, JsonNode> summaries, int from, int to) {
        DateTimeFormatter basic = DateTimeFormatter.BASIC_ISO_DATE;
        return ChronoUnit.DAYS.between(LocalDate.parse(text(summaries, from, "StudyDate"), basic),
                LocalDate.parse(text(summaries, to, "StudyDate"), basic));
    }
}
