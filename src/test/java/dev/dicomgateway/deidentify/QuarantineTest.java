package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances that may carry burned-in text are acknowledged but kept in quarantine; ordinary CT and MR pass. */
class QuarantineTest {
    private static final String MAKE = String.join("\n",
            "import sys, os",
            "from pydicom.dataset import Dataset, FileMetaDataset",
            "from pydicom.uid import generate_uid",
            "out = sys.argv[1]",
            "cases = [('ct_burned.dcm', '1.2.840.10008.5.1.4.1.1.2', 'CT', 'YES'),",
            "         ('us_unstated.dcm', '1.2.840.10008.5.1.4.1.1.6.1', 'US', None),",
            "         ('us_stated_no.dcm', '1.2.840.10008.5.1.4.1.1.6.1', 'US', 'NO'),",
            "         ('sc_unstated.dcm', '1.2.840.10008.5.1.4.1.1.7', 'CT', None),",
            "         ('ct_plain.dcm', '1.2.840.10008.5.1.4.1.1.2', 'CT', None),",
            "         ('mr_plain.dcm', '1.2.840.10008.5.1.4.1.1.4', 'MR', None)]",
            "for name, sop_class, modality, burned in cases:",
            "    ds = Dataset()",
            "    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, generate_uid()",
            "    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()",
            "    ds.PatientID, ds.PatientName, ds.Modality = 'Q-' + name, 'Quarantine^Case', modality",
            "    if burned: ds.BurnedInAnnotation = burned",
            "    ds.Rows = ds.Columns = 4",
            "    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'",
            "    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0",
            "    ds.PixelData = bytes(16)",
            "    meta = FileMetaDataset()",
            "    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID",
            "    meta.TransferSyntaxUID = '1.2.840.10008.1.2.1'",
            "    ds.file_meta, ds.preamble = meta, b'\\0' * 128",
            "    ds.is_little_endian, ds.is_implicit_VR = True, False",
            "    ds.save_as(os.path.join(out, name), write_like_original=False)");

    @TempDir
    Path work;

    @Test
    void burnedInCandidatesAreQuarantinedAndOrdinaryImagesPass() throws Exception {
        Path corpus = Files.createDirectories(work.resolve("corpus"));
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "-c", MAKE, corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            List<Path> files;
            try (var listing = Files.list(corpus)) {
                files = listing.sorted().toList();
            }
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), "quarantined instances are still acknowledged: " + report.result().output());
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_instances_quarantined_total{gateway=\"gw-1\",reason=\"burned_in_annotation\"} 1.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_instances_quarantined_total{gateway=\"gw-1\",reason=\"modality_US\"} 1.0"), metrics);
            assertTrue(metrics.contains("dicom_gateway_instances_quarantined_total{gateway=\"gw-1\",reason=\"sop_class\"} 1.0"), metrics);
        }
        assertEquals(3, StagedFiles.list(spool.resolve("incoming")).size(), "US stated NO, CT and MR pass");
        List<Path> quarantined = StagedFiles.list(spool.resolve("quarantine"));
        assertEquals(3, quarantined.size());
        for (Path file : quarantined) {
            String sop = file.getFileName().toString().replace(".dcm", "");
            Path reason = file.resolveSibling(sop + ".reason");
            assertTrue(Files.readString(reason).matches("(burned_in_annotation|modality_US|sop_class)\t\\S+\n"), reason.toString());
        }
        for (Path file : quarantined) {
            byte[] bytes = Files.readAllBytes(file);
            assertTrue(!StagedFiles.contains(bytes, "Quarantine^Case".getBytes()) && !StagedFiles.contains(bytes, "Q-".getBytes()),
                    "quarantined copies are de-identified too: " + file);
        }

        Path config = Files.writeString(work.resolve("gateway.yaml"), "spool:\n  dir: " + spool + "\n");
        String status = Cli.run("status", "--config", config.toString());
        assertTrue(status.matches("(?s).*open studies\\s+3 \\(3 instances\\)\n.*"), status);
        assertTrue(status.matches("(?s).*quarantined instances\\s+3 .*"), status);
        assertTrue(status.matches("(?s).*modality_US\\s+1\n.*"), status);
        String json = Cli.run("status", "--json", "--config", config.toString());
        assertTrue(json.contains("\"quarantined_instances\" : 3") && json.contains("\"burned_in_annotation\" : 1"), json);
    }
}
