package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging in one pass (the data set as a stream: header de-identified in memory, pixel data appended as it arrives)
 * stages byte for byte what the file path (received file, checked, rewritten) stages — for every real file of the
 * corpus, under the same secret — and refuses what it refuses, leaving nothing in tmp/.
 */
class OnePassStagingTest {
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";

    @TempDir
    Path work;

    @Test
    void stagesExactlyWhatTheFilePathStages() throws Exception {
        Path secret = work.resolve("deidentify.key");
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        TestSpool streamed = TestSpool.open(work.resolve("streamed"), clock, "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", secret.toString());
        TestSpool filed = TestSpool.open(work.resolve("filed"), clock, "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", secret.toString());
        List<Corpus.File> files = Corpus.files().stream().filter(f -> !f.transferSyntax().equals(DEFLATED)).toList();
        int refused = 0;
        for (Corpus.File file : files) {
            StoreOutcome outcome = streamed.stream(file.path());
            if (outcome.success()) {
                filed.stageFile(file.path());
            } else {
                refused++;
            }
            assertTrue(Files.list(streamed.layout().temporary()).findAny().isEmpty(), "tmp/ empty after " + file.path());
        }
        assertTrue(refused < files.size() / 4, "refused " + refused + " of " + files.size());
        Map<String, byte[]> one = tree(streamed.layout().root());
        Map<String, byte[]> two = tree(filed.layout().root());
        assertEquals(two.keySet(), one.keySet());
        assertFalse(one.isEmpty());
        for (String name : one.keySet()) {
            assertArrayEquals(two.get(name), one.get(name), name);
        }
    }

    /** The staged instances (incoming/ and quarantine/) by their path relative to the spool. */
    static Map<String, byte[]> tree(Path spool) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        for (String area : new String[] {"incoming", "quarantine"}) {
            Path root = spool.resolve(area);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(p -> p.toString().endsWith(".dcm")).toList()) {
                    files.put(spool.relativize(file).toString(), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }
}
