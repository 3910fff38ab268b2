package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.dicom.DicomJson;
import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.spool.InstanceSummary;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.Part10;
import dev.dicomgateway.testing.TestSpool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing and delivery take what they need of a staged instance from the summary captured at staging
 * ({@link InstanceSummary}, the .summary sidecar), not from parsing its file again — and parse the file, as before
 * summaries, when the sidecar is missing, torn or stale. Real spool, real stager and de-identifier, real local stores.
 */
class StagingSummaryTest {
    private static final Instant T0 = Instant.parse("2031-03-04T05:06:07Z");
    private static final Instant SEALED = T0.plusSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    private final ManualClock clock = new ManualClock(T0);

    private TestSpool spool(String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(List.of("DICOM_GATEWAY_STUDY_STABLEAFTER", "60s"));
        settings.addAll(List.of(overrides));
        return TestSpool.open(work, clock, settings.toArray(String[]::new));
    }

    private DeliveryEngine engine(TestSpool spool) throws Exception {
        DeliveryEngine engine = new DeliveryEngine(spool.config(), spool.spool(), new Destinations(
                new LocalDirectoryStore(spool.bucket()), new NdjsonMetadataStore(spool.metadata(), "gw-test")), clock,
                new SimpleMeterRegistry(), Duration.ofHours(1), new java.util.Random(1));
        engine.open();
        return engine;
    }

    /** What the old path took from each staged file: the metadata JSON, digest and AE title, by staged SOP UID. */
    private record Expected(String metadata, String digest, String callingAe) {
    }

    private static Map<String, Expected> parsedTheOldWay(List<Path> staged) throws Exception {
        Map<String, Expected> expected = new HashMap<>();
        for (Path file : staged) {
            expected.put(sop(file), new Expected(JSON.writeValueAsString(DicomJson.read(file)), Part10.dataSetDigest(file),
                    FileMetaGroup.read(file).sourceAeTitle()));
        }
        return expected;
    }

    private static String sop(Path dcm) {
        String name = dcm.getFileName().toString();
        return name.substring(0, name.length() - ".dcm".length());
    }

    /**
     * Changes the staged SOP Instance UID's digits inside the data set (the meta group keeps it), leaving the file's
     * size, time and inode as they were: anything that parses or digests the file afterwards sees another instance.
     */
    private static void corruptDataSet(Path dcm) throws Exception {
        FileTime time = Files.getLastModifiedTime(dcm);
        byte[] bytes = Files.readAllBytes(dcm);
        byte[] uid = sop(dcm).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, uid, (int) FileMetaGroup.read(dcm).dataSetOffset());
        assertTrue(at > 0, "the data set holds its SOP Instance UID");
        try (RandomAccessFile file = new RandomAccessFile(dcm.toFile(), "rw")) {
            file.seek(at + uid.length - 1L);
            file.write(uid[uid.length - 1] == '1' ? '2' : '1');
        }
        Files.setLastModifiedTime(dcm, time);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void assertRowsAre(Map<String, Expected> expected, List<JsonNode> rows) throws Exception {
        assertEquals(expected.size(), rows.size(), "one row per instance");
        for (JsonNode row : rows) {
            String sop = row.get("SOPInstanceUID").asText();
            Expected want = expected.get(sop);
            assertTrue(want != null, "row of an instance that was staged: " + sop);
            assertEquals(want.metadata(), JSON.writeValueAsString(row.get("metadata")), "metadata of " + sop);
            assertEquals(want.callingAe(), row.get("calling_ae").asText(), "calling_ae of " + sop);
        }
    }

    @Test
    void sealingAndRowsUseTheSummaryAndNeverParseTheStagedFilesAgain() throws Exception {
        // rows and AE titles come from the summaries of both paths even though every data set is changed after staging
        TestSpool spool = spool();
        spool.stageFile(TestSpool.corpusFile(TestSpool.MR_STUDY.get(0))); // the file path: its summary has the digest
        java.util.Set<String> filePath = java.util.Set.copyOf(spool.incoming().stream().map(StagingSummaryTest::sop).toList());
        for (int i = 1; i < 3; i++) {
            spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(i))); // one pass: a summary without digest
        }
        List<Path> staged = spool.incoming();
        assertEquals(3, staged.size());
        Map<String, Expected> expected = parsedTheOldWay(staged);
        Map<String, String> digestsAfterCorruption = new HashMap<>();
        for (Path file : staged) {
            assertTrue(Files.isRegularFile(InstanceSummary.sidecarOf(file)), "staged with its summary: " + file);
            corruptDataSet(file);
            digestsAfterCorruption.put(sop(file), Part10.dataSetDigest(file));
        }

        try (DeliveryEngine engine = engine(spool)) {
            clock.set(SEALED);
            List<String> sealed = spool.spool().sealer().sealCompleteStudies();
            assertEquals(1, sealed.size());
            BatchManifest manifest = spool.batches().get(sealed.get(0));
            for (BatchManifest.Instance instance : manifest.instances) {
                if (filePath.contains(instance.sop())) {
                    assertEquals(expected.get(instance.sop()).digest(), instance.digest(),
                            "the digest of the instance as staged, not of the file as it is now: " + instance.sop());
                } else { // one pass computes no digest before the acknowledgement: the sealer reads (not parses) the file
                    assertEquals(digestsAfterCorruption.get(instance.sop()), instance.digest(), instance.sop());
                }
                assertEquals(TestSpool.CALLING_AE, instance.callingAe());
            }
            engine.runOnce();
        }
        assertEquals(1, Delivered.files(spool.bucket(), ".tar.gz").size(), "delivered");
        assertRowsAre(expected, Delivered.rows(spool.metadata()));
    }

    @Test
    void aMissingTornTamperedOrStaleSummaryIsIgnoredAndTheFileParsedInstead() throws Exception {
        TestSpool spool = spool("DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h");
        for (int i = 0; i < 4; i++) {
            spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(i)));
        }
        List<Path> staged = spool.incoming();
        Map<String, Expected> expected = parsedTheOldWay(staged);
        // missing: a crash between the .dcm's rename and the summary's write
        Files.delete(InstanceSummary.sidecarOf(staged.get(0)));
        // torn: a crash before the summary's blocks reached the disk
        Path torn = InstanceSummary.sidecarOf(staged.get(1));
        byte[] tornBytes = Files.readAllBytes(torn);
        Files.write(torn, java.util.Arrays.copyOf(tornBytes, tornBytes.length / 2));
        // tampered: a byte of the body changed, the JSON still valid (the trailer's CRC no longer matches)
        Path tampered = InstanceSummary.sidecarOf(staged.get(2));
        String text = Files.readString(tampered, StandardCharsets.ISO_8859_1);
        String uid = sop(staged.get(2));
        String changed = uid.substring(0, uid.length() - 1) + (uid.endsWith("7") ? "8" : "7");
        Files.writeString(tampered, text.replace("\"" + uid + "\"", "\"" + changed + "\""), StandardCharsets.ISO_8859_1);
        // stale: a whole summary left from the copy a later rename replaced (another digest, other values)
        Path stale = staged.get(3);
        new InstanceSummary("0".repeat(64), "ELSEWHERE", Map.of("00080018", Map.of("vr", "UI", "Value",
                List.of("1.2.3.4")))).write(stale);
        Files.setLastModifiedTime(stale, FileTime.from(T0.minusSeconds(5))); // the replacing copy: another time

        try (DeliveryEngine engine = engine(spool)) {
            clock.set(SEALED);
            spool.spool().sealer().sealCompleteStudies();
            BatchManifest manifest = spool.batches().values().iterator().next();
            for (BatchManifest.Instance instance : manifest.instances) {
                assertEquals(expected.get(instance.sop()).digest(), instance.digest(), "digest of " + instance.sop());
                assertEquals(TestSpool.CALLING_AE, instance.callingAe(), "calling AE of " + instance.sop());
            }
            // after the seal: a whole summary describing this very file but content other than the manifest recorded
            Path files = spool.layout().batches().resolve(manifest.batchId).resolve(BatchManifest.FILES_DIRECTORY);
            new InstanceSummary("f".repeat(64), TestSpool.CALLING_AE, Map.of("00080018", Map.of("vr", "UI", "Value",
                    List.of("1.2.3.5")))).write(files.resolve(manifest.instances.get(0).file()));
            engine.runOnce();
            assertEquals(BatchState.DONE, spool.batches().values().iterator().next().state);
        }
        assertRowsAre(expected, Delivered.rows(spool.metadata()));
    }

    @Test
    void rowsFromTheSummaryAreTheRowsParsingTheFileGivesForTheWholeCorpus() throws Exception {
        TestSpool spool = spool();
        for (Corpus.File file : Corpus.files()) {
            if (Files.size(file.path()) > 16 << 20) {
                continue; // the big generated file: the same code path, minutes of hashing
            }
            try {
                spool.stage(file.path());
            } catch (AssertionError refused) {
                // the corpus holds instances the gateway refuses or quarantines on purpose
            }
        }
        int staged = spool.incoming().size(); // quarantined instances stay out of incoming/ and are never delivered
        assertTrue(staged >= 20, "most of the corpus stages: " + staged);
        clock.set(SEALED);
        List<String> sealed = spool.spool().sealer().sealCompleteStudies();
        int compared = 0;
        for (String batchId : sealed) {
            BatchManifest manifest = spool.batches().get(batchId);
            Path files = spool.layout().batches().resolve(batchId).resolve(BatchManifest.FILES_DIRECTORY);
            BatchManifest.StoredObject object = new BatchManifest.StoredObject("o", "files", 1, "AAAAAA==", "", "file:///o");
            for (BatchManifest.Instance instance : manifest.instances) {
                Path dcm = files.resolve(instance.file());
                assertTrue(InstanceSummary.read(dcm).isPresent(), "the summary moved with " + instance.file());
                String fromSummary = JSON.writeValueAsString(MetadataRows.row(manifest, instance, files, object,
                        instance.file(), "gw"));
                Path aside = work.resolve("aside.summary");
                Files.move(InstanceSummary.sidecarOf(dcm), aside, StandardCopyOption.REPLACE_EXISTING);
                String parsed = JSON.writeValueAsString(MetadataRows.row(manifest, instance, files, object,
                        instance.file(), "gw"));
                assertEquals(parsed, fromSummary, "the row of " + instance.file() + " (" + batchId + ")");
                assertEquals(Part10.dataSetDigest(dcm), instance.digest(), "digest of " + instance.file());
                assertEquals(FileMetaGroup.read(dcm).sourceAeTitle(), instance.callingAe());
                compared++;
            }
        }
        assertEquals(staged, compared, "every staged instance compared");
    }

    @Test
    void aSummaryIsNeverWrittenOrReadThroughALinkPlantedInItsPlace() throws Exception {
        TestSpool spool = spool();
        Path source = TestSpool.corpusFile(TestSpool.MR_STUDY.get(0));
        spool.stage(source);
        Path dcm = spool.incoming().get(0);
        Path sidecar = InstanceSummary.sidecarOf(dcm);
        Path outside = work.resolve("outside.txt");
        Files.copy(sidecar, outside); // a whole summary of this very file, but outside the spool
        Files.delete(sidecar);
        Files.createSymbolicLink(sidecar, outside);
        assertTrue(InstanceSummary.read(dcm).isEmpty(), "a link is not read, even to a summary that would fit");

        Files.writeString(outside, "not the gateway's");
        Files.delete(sidecar);
        Files.createSymbolicLink(sidecar, outside);
        spool.stage(source); // the same instance again: staged anew, its summary written again
        assertEquals("not the gateway's", Files.readString(outside), "nothing written through the link");
        assertTrue(Files.isRegularFile(sidecar, java.nio.file.LinkOption.NOFOLLOW_LINKS), "a file of its own instead");
        assertTrue(InstanceSummary.read(spool.incoming().get(0)).isPresent());
    }

    @Test
    void noSummaryIsEverDelivered() throws Exception {
        for (String layout : List.of("study-archive", "instances")) {
            Path root = work.resolve(layout);
            TestSpool spool = TestSpool.open(root, clock, "DICOM_GATEWAY_STUDY_STABLEAFTER", "60s",
                    "DICOM_GATEWAY_DESTINATION_LAYOUT", layout);
            clock.set(T0);
            spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(0)));
            spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(1)));
            try (DeliveryEngine engine = engine(spool)) {
                clock.set(SEALED);
                engine.runOnce();
            }
            assertEquals(2, Delivered.rows(spool.metadata()).size(), layout + ": delivered");
            assertEquals(List.of(), Delivered.files(spool.bucket(), ".summary"), layout + ": no summary object");
            if (layout.equals("instances")) {
                assertEquals(2, Delivered.files(spool.bucket(), ".dcm").size(), "one object per instance");
                continue;
            }
            Path archive = Delivered.files(spool.bucket(), ".tar.gz").get(0);
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", archive.toString()));
            assertEquals(0, listing.exitCode(), listing.output());
            List<String> members = listing.output().lines().toList();
            assertEquals(2, members.size(), "the two instances and nothing else: " + members);
            members.forEach(m -> assertTrue(m.endsWith(".dcm"), m));
            assertFalse(listing.output().contains(".summary"));
        }
    }
}
