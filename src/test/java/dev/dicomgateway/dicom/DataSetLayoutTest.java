package dev.dicomgateway.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strict reader accepts every real file of the corpus, and agrees with pydicom (an independent parser) about where
 * the pixel data group starts.
 */
class DataSetLayoutTest {
    /** Prints "name offset" of the first element of group 7FE0 of each file (group length included), or "name -". */
    private static final String PYDICOM_OFFSETS = String.join("\n",
            "import sys, pydicom",
            "for path in sys.argv[1:]:",
            "    ds = pydicom.dcmread(path, defer_size=1024)",
            "    found = '-'",
            "    for tag in (0x7FE00000, 0x7FE00008, 0x7FE00009, 0x7FE00010):",
            "        if tag in ds:",
            "            raw = ds.get_item(tag)",
            "            tell = getattr(raw, 'value_tell', None) or raw.file_tell",
            "            found = str(tell - (8 if ds.is_implicit_VR or tag == 0x7FE00000 else 12))",
            "            break",
            "    print(path, found)");

    @TempDir
    Path dir;

    @Test
    void bulkStartMatchesPydicomForTheWholeCorpus() throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", PYDICOM_OFFSETS));
        List<Corpus.File> files = Corpus.files().stream().filter(f -> !f.transferSyntax().equals("1.2.840.10008.1.2.1.99")).toList();
        files.forEach(f -> command.add(f.path().toString()));
        Dcmtk.Result offsets = Dcmtk.run(command);
        assertEquals(0, offsets.exitCode(), offsets.output());
        List<String> mismatches = new ArrayList<>();
        int withPixels = 0;
        for (String line : offsets.output().split("\n")) {
            if (!line.startsWith("/")) {
                continue; // pydicom warnings
            }
            String[] parts = line.split(" ");
            Path file = Path.of(parts[0]);
            DataSetLayout layout = DataSetLayout.read(file, DataSetLimits.DEFAULT);
            assertEquals(Files.size(file), layout.fileLength());
            long expected = parts[1].equals("-") ? layout.fileLength() : Long.parseLong(parts[1]);
            withPixels += parts[1].equals("-") ? 0 : 1;
            if (expected != layout.headerEnd()) {
                mismatches.add(file.getFileName() + ": pydicom " + expected + ", reader " + layout.headerEnd());
            }
            if (layout.bulkStart() < layout.headerEnd() || layout.bulkEnd() < layout.bulkStart()) {
                mismatches.add(file.getFileName() + ": bulk end before start");
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(withPixels > 50, "pixel data found in " + withPixels + " files");
    }

    @Test
    void deflatedFilesAreAcceptedAndRecognised() throws Exception {
        List<Corpus.File> deflated = Corpus.files().stream()
                .filter(f -> f.transferSyntax().equals("1.2.840.10008.1.2.1.99")).toList();
        assertTrue(!deflated.isEmpty());
        for (Corpus.File file : deflated) {
            assertTrue(DataSetLayout.read(file.path(), DataSetLimits.DEFAULT).deflated());
        }
    }

    @Test
    void truncatedFileIsUnreadable() throws Exception {
        Path source = Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow().path();
        byte[] bytes = Files.readAllBytes(source);
        Path truncated = Files.write(dir.resolve("t.dcm"), java.util.Arrays.copyOf(bytes, 1000));
        assertThrows(UnreadableDataSetException.class, () -> DataSetLayout.read(truncated, DataSetLimits.DEFAULT));
    }
}
