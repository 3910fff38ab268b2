package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.DicomSummary;
import dev.dicomgateway.testing.Part10;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances without a PatientID — two with an empty one, one without the element, three different people — get
 * three entities and three date offsets (keyed on name, birth date and sex), are counted, and can be looked up; with
 * deidentify.requirePatientId they are refused with 0xC004 and an Error Comment, and nothing of them is staged.
 */
class PatientsWithoutIdTest {
    /** A fixed secret: its three offsets for these people are known to differ (a random one could repeat one). */
    private static final String SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";
    private static final String MAKE = String.join("\n",
            "import sys, os",
            "from pydicom.dataset import Dataset, FileMetaDataset",
            "out = sys.argv[1]",
            "os.makedirs(out, exist_ok=True)",
            "people = [(1, '', 'Nobody^Anna', '19800101', 'F'), (2, '', 'Nobody^Bert', '19750505', 'M'),",
            "          (3, None, 'Nobody^Carl', '19700707', 'M')]",
            "for number, patient_id, name, birth, sex in people:",
            "    ds = Dataset()",
            "    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'",
            "    ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.544.40.9.%d' % number",
            "    ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.544.40.%d' % number",
            "    ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.544.40.%d.1' % number",
            "    if patient_id is not None:",
            "        ds.PatientID = patient_id",
            "    ds.PatientName, ds.PatientBirthDate, ds.PatientSex = name, birth, sex",
            "    ds.StudyDate, ds.Modality, ds.InstanceNumber, ds.BurnedInAnnotation = '20200101', 'CT', number, 'NO'",
            "    ds.AccessionNumber = 'ACC-NOID-%d' % number",
            "    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 2, 2, 1, 'MONOCHROME2'",
            "    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0",
            "    ds.PixelData = bytes(8)",
            "    meta = FileMetaDataset()",
            "    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID",
            "    meta.TransferSyntaxUID = '1.2.840.10008.1.2.1'",
            "    ds.file_meta, ds.preamble = meta, bytes(128)",
            "    ds.is_little_endian, ds.is_implicit_VR = True, False",
            "    ds.save_as(os.path.join(out, 'noid_%d.dcm' % number), write_like_original=False)");

    @TempDir
    Path work;
    private List<Path> files;

    @BeforeEach
    void makeCorpus() throws Exception {
        Path corpus = work.resolve("corpus");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "-c", MAKE, corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
        files = List.of(corpus.resolve("noid_1.dcm"), corpus.resolve("noid_2.dcm"), corpus.resolve("noid_3.dcm"));
    }

    @Test
    void threePeopleWithoutAPatientIdAreThreeEntitiesWithThreeOffsets() throws Exception {
        Path spool = work.resolve("spool");
        writeSecret(spool);
        try (Gateway gateway = TestGateway.start(spool)) {
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_instances_without_patient_id_total{gateway=\"gw-1\"} 0.0"),
                    "registered at 0");
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), report.result().output());
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_instances_without_patient_id_total{gateway=\"gw-1\"} 3.0"), metrics);
        }
        Map<Integer, JsonNode> staged = DicomSummary.byInstanceNumber(StagedFiles.under(spool));
        assertEquals(3, staged.size());
        Set<String> entities = new HashSet<>();
        Set<Long> offsets = new HashSet<>();
        for (JsonNode instance : staged.values()) {
            entities.add(instance.get("PatientID").asText());
            offsets.add(ChronoUnit.DAYS.between(LocalDate.parse(instance.get("StudyDate").asText(), DateTimeFormatter.BASIC_ISO_DATE),
                    LocalDate.of(2020, 1, 1)));
        }
        assertEquals(3, entities.size(), "three entities: " + entities);
        assertEquals(3, offsets.size(), "three date offsets: " + offsets);

        // each entity leads back to its own study, and only to it
        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        for (JsonNode instance : staged.values()) {
            String lookup = Cli.run("lookup", "--config", config.toString(), instance.get("PatientID").asText());
            int number = instance.get("InstanceNumber").asInt();
            assertTrue(lookup.contains("\tACC-NOID-" + number + "\t"), lookup);
            assertEquals(1, lookup.split("ACC-NOID-", -1).length - 1, "one study per entity: " + lookup);
        }
    }

    @Test
    void requirePatientIdRefusesThemBeforeAnythingIsStaged() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_REQUIREPATIENTID", "true");
             RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            int messageId = 1;
            for (Path file : files) {
                String sop = Part10.metaText(file, 0x0003);
                StoreCall.Answer answer = StoreCall.store(scu, messageId++, sop, Part10.dataSet(file));
                assertEquals(0xC004, answer.status(), file.toString());
                assertEquals("data set has no PatientID (deidentify.requirePatientId)", answer.errorComment());
            }
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_instances_rejected_total{gateway=\"gw-1\",reason=\"missing_patient_id\"} 3.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_instances_without_patient_id_total{gateway=\"gw-1\"} 0.0"), metrics);
        }
        assertEquals(List.of(), StagedFiles.under(spool));
        try (var left = Files.walk(spool.resolve("tmp"))) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "no raw or de-identified copy left");
        }
        List<String> lookup = Files.readAllLines(spool.resolve("private/lookup.tsv"));
        assertEquals(1, lookup.size(), "no study recorded, only the header: " + lookup);
    }

    private static void writeSecret(Path spool) throws Exception {
        Path directory = Files.createDirectories(spool.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path key = Files.writeString(directory.resolve("deidentify.key"), SECRET + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
}
