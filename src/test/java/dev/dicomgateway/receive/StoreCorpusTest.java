package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Part10;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dcmtk's storescu sends the whole corpus — every transfer syntax modalities send, multi-frame, a big file,
 * sequences, private tags, several character sets — and every instance must be staged with its data set bytes
 * identical to the source file's.
 */
class StoreCorpusTest {
    private static final Set<String> REQUIRED_TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99",
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5",
            "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.107");

    @TempDir
    Path spool;

    @Test
    void everyCorpusInstanceIsStagedByteIdentical() throws Exception {
        List<Corpus.File> corpus = Corpus.files();
        assertEquals(REQUIRED_TRANSFER_SYNTAXES,
                corpus.stream().map(Corpus.File::transferSyntax).collect(Collectors.toSet()),
                "the corpus must cover every transfer syntax the receive path promises");
        assertTrue(corpus.stream().anyMatch(f -> f.path().getFileName().toString().startsWith("chr")), "character sets");
        assertTrue(Files.size(corpus.stream().filter(f -> f.path().endsWith("big_multiframe.dcm")).findFirst()
                .orElseThrow().path()) > 90L << 20, "a big multi-frame file");

        Map<String, List<Corpus.File>> byFlag = new LinkedHashMap<>();
        corpus.forEach(file -> byFlag.computeIfAbsent(file.storescuFlag(), k -> new ArrayList<>()).add(file));

        // no study may be sealed (moved out of incoming/) while the last groups are still being sent and checked
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "30m")) {
            List<String> failures = new ArrayList<>();
            int stored = 0;
            for (Map.Entry<String, List<Corpus.File>> group : byFlag.entrySet()) {
                Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, group.getKey(),
                        group.getValue().stream().map(Corpus.File::path).toList());
                for (Corpus.File file : group.getValue()) {
                    String response = report.responses().get(file.path());
                    if (!"Success".equals(response)) {
                        failures.add(file.path().getFileName() + ": storescu reported " + response);
                        continue;
                    }
                    stored++;
                    Path staged = stagedPath(file);
                    if (staged == null) {
                        failures.add(file.path().getFileName() + ": acknowledged but not staged");
                    } else if (!Part10.dataSetDigest(staged).equals(Part10.dataSetDigest(file.path()))) {
                        failures.add(file.path().getFileName() + ": staged data set differs from the source");
                    }
                }
            }
            assertEquals(List.of(), failures);
            assertEquals(corpus.size(), stored, "every corpus file acknowledged");
            assertEquals(corpus.size(), countFiles(spool.resolve("incoming"), ".dcm"), "one staged file per instance");
            assertEquals(0, countFiles(spool.resolve("tmp"), ""), "no temporary file left");
        }
    }

    /**
     * incoming/DEFAULT/<entity>/<item>/<series>/<sop>.dcm: in passthrough every level is a keyed digest, so the staged
     * copy of a source is the one whose SOP Instance UID is the source's.
     */
    private Path stagedPath(Corpus.File file) throws IOException {
        try (Stream<Path> staged = Files.walk(spool.resolve("incoming").resolve("DEFAULT"))) {
            for (Path candidate : staged.filter(p -> p.toString().endsWith(".dcm")).toList()) { // not their .summary
                try {
                    if (new dev.dicomgateway.dicom.InstanceHeaderReader().read(candidate).sopInstanceUid()
                            .equals(file.sopInstanceUid())) {
                        return candidate;
                    }
                } catch (dev.dicomgateway.dicom.UnreadableDataSetException e) {
                    // not this one
                }
            }
            return null;
        }
    }

    static long countFiles(Path directory, String suffix) throws IOException {
        if (!Files.exists(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).count();
        }
    }
}
