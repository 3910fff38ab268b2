package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-identification rewrites the header and never the pixels: for every file of the receive corpus (14 transfer
 * syntaxes, multi-frame, 96 MB) the staged pixel data is byte-identical to the source's, and dcmtk parses the output.
 */
class PixelDataUntouchedTest {
    private static final String PIXEL_DIGESTS = String.join("\n",
            "import sys, hashlib, pydicom",
            "for path in sys.argv[1:]:",
            "    ds = pydicom.dcmread(path)",
            "    digests = []",
            "    for keyword in ('FloatPixelData', 'DoubleFloatPixelData', 'PixelData'):",
            "        if keyword in ds:",
            "            digests.append(keyword + ':' + hashlib.sha256(ds[keyword].value).hexdigest())",
            "    print(path + '\\t' + (','.join(digests) or 'none'))");

    @TempDir
    Path spool;

    @Test
    void pixelDataIsByteIdenticalInEveryTransferSyntax() throws Exception {
        Map<Path, Path> stagedBySource = new LinkedHashMap<>();
        Set<String> transferSyntaxes = new HashSet<>();
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false")) {
            Set<Path> before = new HashSet<>();
            for (Corpus.File file : Corpus.files()) {
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, file.storescuFlag(),
                        List.of(file.path()));
                assertEquals(List.of(file.path()), report.stored(), report.result().output());
                List<Path> now = StagedFiles.under(spool);
                List<Path> added = now.stream().filter(p -> !before.contains(p)).toList();
                assertEquals(1, added.size(), file.path().getFileName() + " staged as " + added);
                before.addAll(added);
                stagedBySource.put(file.path(), added.get(0));
                transferSyntaxes.add(file.transferSyntax());
            }
        }
        assertEquals(14, transferSyntaxes.size());

        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", PIXEL_DIGESTS));
        stagedBySource.forEach((source, staged) -> {
            command.add(source.toString());
            command.add(staged.toString());
        });
        Dcmtk.Result digests = Dcmtk.run(command);
        assertEquals(0, digests.exitCode(), digests.output());
        Map<String, String> digestByPath = new HashMap<>();
        for (String line : digests.output().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length == 2) {
                digestByPath.put(parts[0], parts[1]);
            }
        }
        List<String> differences = new ArrayList<>();
        int withPixels = 0;
        for (Map.Entry<Path, Path> pair : stagedBySource.entrySet()) {
            String source = digestByPath.get(pair.getKey().toString());
            String staged = digestByPath.get(pair.getValue().toString());
            if (source == null || !source.equals(staged)) {
                differences.add(pair.getKey().getFileName() + ": " + source + " -> " + staged);
            }
            withPixels += "none".equals(source) ? 0 : 1;
            Dcmtk.Result dump = Dcmtk.run(List.of("dcmdump", "-q", "-dc", pair.getValue().toString()));
            if (dump.exitCode() != 0 || dump.output().contains("E: ")) {
                differences.add(pair.getKey().getFileName() + ": dcmdump cannot parse the output: " + dump.output());
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(withPixels > 60, "files with pixel data compared: " + withPixels);
    }
}
