package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.receive.StoreRequest;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestSpool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile data sets through both staging paths — one pass (the data set as a stream) and the file path (received
 * file, {@code DataSetLayout.read}, rewritten) — under one secret: each must get the same answer from both, both must
 * stage the same bytes when they accept it and record the same rows in the lookup table (none for a data set refused
 * as unreadable), and neither may leave anything in tmp/.
 */
class OnePassHostileInputTest {
    private static final String EXPLICIT_LE = RawScu.EXPLICIT_LE;
    private static final String CT = RawScu.CT_IMAGE_STORAGE;
    private static final String SOP = "1.2.3.4.100";

    @TempDir
    Path work;

    private TestSpool streamed;
    private TestSpool filed;

    @BeforeEach
    void open() throws Exception {
        open(new String[0]);
    }

    private void open(String... overrides) throws Exception {
        Path secret = work.resolve("deidentify.key");
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        List<String> settings = new ArrayList<>(List.of("DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", secret.toString()));
        settings.addAll(Arrays.asList(overrides));
        String[] pairs = settings.toArray(String[]::new);
        Path root = work.resolve("run-" + System.nanoTime());
        streamed = TestSpool.open(root.resolve("streamed"), clock, pairs);
        filed = TestSpool.open(root.resolve("filed"), clock, pairs);
    }

    private static DataSets header() {
        return DataSets.ctHeader(SOP, "PAT-1", "1.2.3.4", "1.2.3.4.1");
    }

    /** Pixel data, then data set trailing padding (FFFC,FFFC) of {@code trailing} bytes. */
    private static byte[] withTrailing(int pixels, int trailing) {
        return header().pixelData(pixels).element(0xFFFC, 0xFFFC, "OB", new byte[trailing]).toByteArray();
    }

    /** Pixel Data of undefined length: an empty offset table, then {@code fragments}, then the sequence delimiter. */
    private static byte[] encapsulated(byte[]... fragments) {
        DataSets data = header().raw(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1})
                .raw(item(new byte[0]));
        for (byte[] fragment : fragments) {
            data.raw(item(fragment));
        }
        return data.raw(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}).toByteArray();
    }

    private static byte[] item(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {-2, -1, 0, -32, (byte) value.length, (byte) (value.length >>> 8),
                (byte) (value.length >>> 16), (byte) (value.length >>> 24)});
        out.writeBytes(value);
        return out.toByteArray();
    }

    @Test
    void truncatedAtEveryOffsetGetsTheSameAnswerFromBothPaths() throws Exception {
        byte[] whole = withTrailing(64, 16);
        for (int length = 0; length <= whole.length; length++) {
            same(Arrays.copyOf(whole, length), EXPLICIT_LE, "explicit VR data set cut at byte " + length);
        }
    }

    @Test
    void aStudyWhoseOnlyInstanceIsCutInItsPixelDataLeavesNoLookupRow() throws Exception {
        byte[] whole = DataSets.ctHeader(SOP, "PAT-NEVER-STAGED", "1.2.3.77", "1.2.3.77.1").pixelData(64).toByteArray();
        same(Arrays.copyOf(whole, whole.length - 10), EXPLICIT_LE, "pixel data cut short, study not seen before");
        same(Arrays.copyOf(whole, whole.length - 10), "1.2.840.10008.1.2", "implicit VR bytes read as such");
    }

    @Test
    void encapsulatedPixelDataCutAtEveryOffsetGetsTheSameAnswer() throws Exception {
        byte[] whole = encapsulated(new byte[] {1, 2, 3, 4}, new byte[] {5, 6});
        for (int length = whole.length - 60; length <= whole.length; length++) {
            same(Arrays.copyOf(whole, length), EXPLICIT_LE, "encapsulated data set cut at byte " + length);
        }
    }

    @Test
    void corpusInImplicitAndBigEndianCutInTheHeaderGetsTheSameAnswer() throws Exception {
        for (String name : List.of("MR_small_implicit.dcm", "MR_small_bigendian.dcm")) {
            Path file = TestSpool.corpusFile(name);
            FileMetaGroup meta = FileMetaGroup.read(file);
            InstanceHeader original = new InstanceHeaderReader().read(file);
            byte[] dataSet = Arrays.copyOfRange(Files.readAllBytes(file), (int) meta.dataSetOffset(), (int) Files.size(file));
            for (int length = 0; length < dataSet.length; length += length < 2048 ? 7 : 997) {
                same(Arrays.copyOf(dataSet, length), meta.transferSyntaxUid(), original.sopClassUid(),
                        original.sopInstanceUid(), name + " cut at byte " + length);
            }
            same(dataSet, meta.transferSyntaxUid(), original.sopClassUid(), original.sopInstanceUid(), name + " whole");
        }
    }

    @Test
    void oddFragmentsAndBrokenDelimitersGetTheSameAnswer() throws Exception {
        same(encapsulated(new byte[] {1, 2, 3}), EXPLICIT_LE, "odd-length fragment");
        same(encapsulated(new byte[0], new byte[] {9}), EXPLICIT_LE, "empty and one-byte fragments");
        byte[] undefinedItem = header().raw(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1})
                .raw(new byte[] {-2, -1, 0, -32, -1, -1, -1, -1}).raw(new byte[] {1, 2, 3, 4})
                .raw(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}).toByteArray();
        same(undefinedItem, EXPLICIT_LE, "fragment of undefined length");
        byte[] noDelimiter = Arrays.copyOf(encapsulated(new byte[] {1, 2}), encapsulated(new byte[] {1, 2}).length - 8);
        same(noDelimiter, EXPLICIT_LE, "no sequence delimiter");
        byte[] afterDelimiter = header().raw(Arrays.copyOfRange(encapsulated(new byte[] {1, 2}),
                header().toByteArray().length, encapsulated(new byte[] {1, 2}).length)).raw(new byte[] {1, 2, 3, 4}).toByteArray();
        same(afterDelimiter, EXPLICIT_LE, "four stray bytes after the sequence delimiter");
        byte[] itemDelimiterInFragments = header().raw(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1})
                .raw(item(new byte[0])).raw(new byte[] {-2, -1, 13, -32, 0, 0, 0, 0})
                .raw(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}).toByteArray();
        same(itemDelimiterInFragments, EXPLICIT_LE, "item delimiter among fragments");
    }

    @Test
    void whatFollowsThePixelDataGetsTheSameAnswer() throws Exception {
        same(withTrailing(64, 1 << 20), EXPLICIT_LE, "1 MiB of trailing padding");
        same(header().pixelData(64).element(0x7FE0, 0x0020, "OW", new byte[8]).element(0xFFFA, 0xFFFA, "SQ", new byte[0])
                .toByteArray(), EXPLICIT_LE, "retired 7FE0 element and digital signatures after the pixel data");
        same(header().pixelData(64).element(0x7FE1, 0x0010, "LO", "SIEMENS CSA NON-IMAGE".getBytes())
                .element(0x7FE1, 0x1010, "OB", new byte[300_000]).toByteArray(), EXPLICIT_LE, "private group 7FE1 after");
        same(header().element(0x7FE0, 0x0000, "UL", new byte[] {0, 0, 0, 0}).toByteArray(), EXPLICIT_LE,
                "(7FE0,0000) only");
        same(header().element(0x7FE0, 0x0000, "UL", new byte[] {0, 0, 0, 0}).element(0xFFFC, 0xFFFC, "OB", new byte[1 << 20])
                .toByteArray(), EXPLICIT_LE, "(7FE0,0000) then 1 MiB of padding");
        same(header().element(0x7FE0, 0x0000, "UL", new byte[] {72, 0, 0, 0}).pixelData(64).toByteArray(), EXPLICIT_LE,
                "(7FE0,0000) then pixel data");
        same(header().element(0xFFFC, 0xFFFC, "OB", new byte[1 << 20]).toByteArray(), EXPLICIT_LE,
                "no pixel data, 1 MiB of padding");
        same(header().pixelData(64).pixelData(64).toByteArray(), EXPLICIT_LE, "pixel data twice");
        same(header().element(0x7FE0, 0x0008, "OF", new byte[16]).pixelData(64).toByteArray(), EXPLICIT_LE,
                "float pixel data and pixel data");
        same(header().element(0x7FE0, 0x0004, "OB", new byte[16]).toByteArray(), EXPLICIT_LE, "unknown (7FE0,0004)");
        same(header().pixelData(63).toByteArray(), EXPLICIT_LE, "odd pixel data length");
    }

    @Test
    void sequencesAroundThePixelDataGetTheSameAnswer() throws Exception {
        DataSets icon = DataSets.explicitLittleEndian().us(0x0028, 0x0010, 1).pixelData(4);
        same(DataSets.ctHeader(SOP, "PAT-1", "1.2.3.4", "1.2.3.4.1").sequence(0x0088, 0x0200, icon).pixelData(64)
                .toByteArray(), EXPLICIT_LE, "icon image sequence with nested pixel data");
        same(header().pixelData(64).sequence(0xFFFA, 0xFFFA, DataSets.explicitLittleEndian().text(0x0008, 0x0018, "UI", "9.9"))
                .toByteArray(), EXPLICIT_LE, "sequence after the pixel data");
        byte[] sequenceOverPixels = header().raw(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'S', 'Q', 0, 0, -1, -1, -1, -1})
                .raw(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}).toByteArray();
        same(sequenceOverPixels, EXPLICIT_LE, "pixel data as a sequence");
    }

    @Test
    void headerAtTheLimitGetsTheSameAnswer() throws Exception {
        open("DICOM_GATEWAY_DICOM_MAXHEADERBYTES", "65536");
        int base = header().toByteArray().length;
        for (int value : new int[] {65536 - 7 * 256 - base - 12, 65536 - 7 * 256 - base - 12 + 2, 60_000, 65_000}) {
            byte[] padded = header().element(0x0009, 0x0010, "LO", "X".getBytes())
                    .element(0x0009, 0x1010, "OB", new byte[Math.max(0, value) & ~1]).pixelData(64).toByteArray();
            same(padded, EXPLICIT_LE, "private OB of " + value + " bytes under a 64 KiB header limit");
        }
        for (int trailing : new int[] {40_000, 64_000, 70_000, 200_000}) {
            same(withTrailing(64, trailing), EXPLICIT_LE, trailing + " bytes of padding under a 64 KiB header limit");
            same(header().element(0x7FE0, 0x0000, "UL", new byte[4]).element(0xFFFC, 0xFFFC, "OB", new byte[trailing])
                    .toByteArray(), EXPLICIT_LE, "(7FE0,0000) and " + trailing + " bytes of padding under a 64 KiB limit");
        }
    }

    @Test
    void missingPatientIdAndMismatchedUidsGetTheSameAnswer() throws Exception {
        open("DICOM_GATEWAY_DEIDENTIFY_REQUIREPATIENTID", "true");
        byte[] noPatient = DataSets.explicitLittleEndian().text(0x0008, 0x0016, "UI", CT).text(0x0008, 0x0018, "UI", SOP)
                .text(0x0020, 0x000D, "UI", "1.2.3.4").text(0x0020, 0x000E, "UI", "1.2.3.4.1").pixelData(64).toByteArray();
        same(noPatient, EXPLICIT_LE, "no PatientID");
        same(Arrays.copyOf(noPatient, noPatient.length - 10), EXPLICIT_LE, "no PatientID, pixel data cut short");
        same(withTrailing(64, 16), EXPLICIT_LE, CT, "1.2.3.4.999", "SOP Instance UID differs from the request's");
        same(withTrailing(64, 16), EXPLICIT_LE, "1.2.840.10008.5.1.4.1.1.4", SOP, "SOP Class UID differs");
    }

    private void same(byte[] dataSet, String transferSyntax, String what) throws Exception {
        same(dataSet, transferSyntax, CT, SOP, what);
    }

    /** Both paths answer {@code dataSet} alike, leave tmp/ empty and hold the same staged files afterwards. */
    private void same(byte[] dataSet, String transferSyntax, String sopClass, String sop, String what) throws Exception {
        StoreOutcome one = streamed.spool().stager().store(new StoreRequest(sopClass, sop, transferSyntax,
                TestSpool.CALLING_AE), new ByteArrayInputStream(dataSet));
        StoreOutcome two = viaFile(dataSet, transferSyntax, sopClass, sop);
        assertEquals(describe(two), describe(one), what + ": one pass (right) vs file path (left)");
        assertTrue(empty(streamed.layout().temporary()), what + ": one pass left files in tmp/");
        assertTrue(empty(filed.layout().temporary()), what + ": file path left files in tmp/");
        assertEquals(lookupRows(filed), lookupRows(streamed), what + ": lookup table rows (a refused instance records none)");
        Map<String, byte[]> a = OnePassStagingTest.tree(streamed.layout().root());
        Map<String, byte[]> b = OnePassStagingTest.tree(filed.layout().root());
        assertEquals(b.keySet(), a.keySet(), what);
        for (String name : a.keySet()) {
            assertArrayEquals(b.get(name), a.get(name), what + ": " + name);
        }
    }

    private StoreOutcome viaFile(byte[] dataSet, String transferSyntax, String sopClass, String sop) throws Exception {
        Path received = filed.layout().temporary().resolve("received-" + System.nanoTime() + ".part");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(new FileMetaInformation(sopClass, sop, transferSyntax, TestSpool.CALLING_AE).encode());
        file.writeBytes(dataSet);
        Files.write(received, file.toByteArray());
        try {
            return filed.spool().stager().store(new ReceivedInstance(received, sopClass, sop, transferSyntax,
                    TestSpool.CALLING_AE, dataSet.length));
        } finally {
            Files.deleteIfExists(received);
        }
    }

    private static String lookupRows(TestSpool spool) throws Exception {
        Path table = spool.layout().privateArea().resolve(dev.dicomgateway.deidentify.LookupTable.FILE_NAME);
        return Files.exists(table) ? Files.readString(table) : "";
    }

    private static String describe(StoreOutcome outcome) {
        return outcome.success() ? "success" : String.format("0x%04X %s", outcome.status(), outcome.reason());
    }

    private static boolean empty(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        }
    }
}
