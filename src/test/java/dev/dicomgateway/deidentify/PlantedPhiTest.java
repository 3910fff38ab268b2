package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PHI planted in every attribute of PS3.15 Table E.1-1 (at top level, inside a sequence, in private attributes,
 * after the pixel data) and real names in seven character sets: no planted value the profile removes or replaces
 * survives in any staged byte, in the logs or in the metrics; what the default options retain is still there.
 */
class PlantedPhiTest {
    private static final Path TABLE = Path.of("src/main/resources/dev/dicomgateway/deidentify/confidentiality-profile.tsv");
    private static final String CHARSET_VALUES = String.join("\n",
            "import sys, pydicom",
            "def walk(ds):",
            "    for elem in ds:",
            "        if elem.VR == 'SQ':",
            "            for item in elem.value:",
            "                yield from walk(item)",
            "        elif elem.VR == 'PN' or elem.tag in (0x00100020, 0x00080050, 0x00100030):",
            "            yield elem",
            "for path in sys.argv[1:]:",
            "    raw = pydicom.dcmread(path)",
            "    for elem in walk(raw):",
            "        value = str(elem.value)",
            "        parts = [value] + [p for p in value.replace('=', '^').split('^') if len(p.strip()) >= 2]",
            "        for part in parts:",
            "            print(path + '\\t' + part.strip().encode('utf-8').hex())",
            "    raw_ds = pydicom.dcmread(path)",
            "    for tag in (0x00100010,):",
            "        if tag in raw_ds:",
            "            print(path + '\\t' + raw_ds.get_item(tag).value.hex())");

    @TempDir
    Path work;

    @Test
    void noPlantedIdentifierSurvivesAnywhere() throws Exception {
        Path corpus = work.resolve("phi");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "src/test/resources/deidentify/make_phi_corpus.py",
                TABLE.toString(), corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
        List<String[]> markers = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("markers.tsv"))) {
            markers.add(line.split("\t"));
        }
        assertTrue(markers.size() > 700, "markers planted: " + markers.size());

        Path spool = work.resolve("spool");
        try (LogCapture logs = new LogCapture(); Gateway gateway = TestGateway.start(spool)) {
            List<Path> sent = List.of(corpus.resolve("phi_top.dcm"), corpus.resolve("phi_nested.dcm"));
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", sent);
            assertEquals(sent, report.stored(), report.result().output());
            List<Path> staged = StagedFiles.under(spool);
            assertEquals(2, staged.size(), "both staged: " + staged);
            byte[] everything = concatenate(staged);

            List<String> survived = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            String logText = logs.text();
            String metrics = gateway.registry().scrape();
            for (String[] marker : markers) {
                byte[] value = HexFormat.of().parseHex(marker[2]);
                boolean present = StagedFiles.contains(everything, value);
                String text = new String(value, StandardCharsets.ISO_8859_1);
                if (marker[0].equals("gone") && present) {
                    survived.add(marker[1] + " " + text);
                }
                if (marker[0].equals("kept") && !present) {
                    lost.add(marker[1] + " " + text);
                }
                if (marker[0].equals("gone") && (logText.contains(text) || metrics.contains(text))) {
                    survived.add(marker[1] + " " + text + " (in logs or metrics)");
                }
            }
            assertEquals(List.of(), survived, "identifiers that survived de-identification");
            assertEquals(List.of(), lost, "values the default options must retain");

            String dump = Dcmtk.run(List.of("dcmdump", "-q", staged.get(0).toString())).output();
            assertTrue(dump.contains("(0012,0062) CS [YES]"), dump);
            assertTrue(dump.contains("113100"), "Basic Profile code in DeidentificationMethodCodeSequence");
            assertTrue(dump.contains("113107") && dump.contains("113108") && dump.contains("113105"), "option codes");
        }
    }

    @Test
    void namesInSevenCharacterSetsDoNotSurvive() throws Exception {
        List<Path> files = Corpus.files().stream().map(Corpus.File::path)
                .filter(p -> p.getFileName().toString().matches("chr(JapMulti|KoreanMulti|X1|X2|Greek|Hbrw|Arab|Russ|SQEncoding)\\.dcm"))
                .toList();
        assertTrue(files.size() >= 8, files.toString());
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", CHARSET_VALUES));
        files.forEach(f -> command.add(f.toString()));
        Dcmtk.Result values = Dcmtk.run(command);
        assertEquals(0, values.exitCode(), values.output());

        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files.size(), report.stored().size(), report.result().output());
            byte[] everything = concatenate(StagedFiles.under(spool));
            List<String> survived = new ArrayList<>();
            int checked = 0;
            for (String line : values.output().split("\n")) {
                String[] parts = line.split("\t");
                if (parts.length != 2 || !parts[0].startsWith("/")) {
                    continue;
                }
                byte[] value = HexFormat.of().parseHex(parts[1]);
                checked++;
                if (value.length >= 3 && StagedFiles.contains(everything, value)) { // 2 bytes can occur by chance in pseudonyms
                    survived.add(Path.of(parts[0]).getFileName() + ": " + new String(value, StandardCharsets.UTF_8));
                }
            }
            assertTrue(checked > 30, "values checked: " + checked);
            assertEquals(List.of(), survived);
        }
    }

    static byte[] concatenate(List<Path> files) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path file : files) {
            all.write(Files.readAllBytes(file));
        }
        return all.toByteArray();
    }
}
