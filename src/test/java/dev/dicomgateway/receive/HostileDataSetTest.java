package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data sets of the red-team report that were answered Success while their pixel data was lost, that stopped
 * the gateway, or that carried PHI past the de-identifier: each is now refused with 0xC000 and an Error Comment
 * naming where it is wrong — or, for PHI after the pixel data, stored without it.
 */
class HostileDataSetTest {
    private static final String STUDY = "1.2.826.0.1.3680043.2.1125.1";
    private static final String SERIES = "1.2.826.0.1.3680043.2.1125.2";
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    private static final int PIXELS = 4096;

    @TempDir
    Path root;

    private Path spool() {
        return root.resolve("spool");
    }

    private Gateway start(String... overrides) throws Exception {
        String[] all = Arrays.copyOf(new String[] {"DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false"},
                2 + overrides.length);
        System.arraycopy(overrides, 0, all, 2, overrides.length);
        return TestGateway.start(spool(), all);
    }

    private static DataSets header(String sop) {
        return DataSets.ctHeader(sop, "PATIENT-1", STUDY, SERIES);
    }

    @Test
    void structuresThatHidPixelDataFromTheOldScannerAreRefusedWithTheirPlace() throws Exception {
        byte[] strayDelimiter = header("1.2.3.1").raw(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0})
                .pixelData(PIXELS).toByteArray();
        byte[] padding = header("1.2.3.2").element(0xFFFC, 0xFFFC, "OB", new byte[8]).pixelData(PIXELS).toByteArray();
        DataSets rows = DataSets.ctHeader("1.2.3.3", "PATIENT-1", STUDY, SERIES).us(0x0028, 0x0010, 64).us(0x0028, 0x0011, 32);
        byte[] flipped = rows.pixelData(PIXELS).toByteArray();
        int rowsTag = indexOf(flipped, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S'});
        flipped[rowsTag + 1] = (byte) 0x80; // (0028,0010) -> (8028,0010): one bit
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer stray = StoreCall.store(scu, 1, "1.2.3.1", strayDelimiter);
            assertEquals(0xC000, stray.status());
            assertTrue(stray.errorComment().contains("(FFFE,E0DD)"), stray.errorComment());
            StoreCall.Answer pad = StoreCall.store(scu, 2, "1.2.3.2", padding);
            assertEquals(0xC000, pad.status());
            assertTrue(pad.errorComment().contains("out of order (7FE0,0010)"), pad.errorComment());
            StoreCall.Answer flip = StoreCall.store(scu, 3, "1.2.3.3", flipped);
            assertEquals(0xC000, flip.status());
            assertTrue(flip.errorComment().contains("(0028,0011)"), flip.errorComment());
            assertTrue(StoreCall.store(scu, 4, "1.2.3.4", header("1.2.3.4").pixelData(PIXELS).toByteArray()).success(),
                    "the same association goes on storing");
        }
        assertEquals(1, StagedFiles.under(spool()).size(), "only the good instance is staged");
    }

    @Test
    void deflatedDataSetsMustInflateToExactlyTheirEnd() throws Exception {
        byte[] dataSet = header("1.2.3.10").pixelData(PIXELS).toByteArray();
        byte[] whole = deflate(dataSet);
        byte[] streamCut = Arrays.copyOf(whole, whole.length * 7 / 10);
        byte[] dataCut = deflate(Arrays.copyOf(dataSet, dataSet.length * 7 / 10));
        byte[] trailingGarbage = Arrays.copyOf(whole, whole.length + 16);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), DEFLATED)) {
            assertEquals(0xC000, StoreCall.store(scu, 1, "1.2.3.10", streamCut).status(), "deflate stream cut at 70 %");
            assertEquals(0xC000, StoreCall.store(scu, 2, "1.2.3.10", dataCut).status(), "data set cut at 70 %, then deflated");
            assertEquals(0xC000, StoreCall.store(scu, 3, "1.2.3.10", trailingGarbage).status(), "bytes after the stream");
            assertEquals(0x0000, StoreCall.store(scu, 4, "1.2.3.10", whole).status(), "the whole deflated data set");
        }
        assertEquals(1, StagedFiles.under(spool()).size());
    }

    @Test
    void deepNestingIsRefusedAtEveryJitStateAndTheLimitIsExact() throws Exception {
        byte[] deepAfterPixels = header("1.2.3.20").pixelData(PIXELS).nested(0x7FE1, 0x1010, 50_000).toByteArray();
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            for (int i = 0; i < 20; i++) { // cold and warm: the reader does not recurse, so the JIT cannot matter
                long started = System.nanoTime();
                StoreCall.Answer answer = StoreCall.store(scu, i + 1, "1.2.3.20", deepAfterPixels);
                assertEquals(0xC000, answer.status());
                assertTrue(answer.errorComment().startsWith("sequences nested deeper than 64"), answer.errorComment());
                assertTrue(System.nanoTime() - started < 5_000_000_000L, "answered in time");
            }
            byte[] atLimit = header("1.2.3.21").nested(0x0040, 0x0275, 64).pixelData(PIXELS).toByteArray();
            byte[] overLimit = header("1.2.3.22").nested(0x0040, 0x0275, 65).pixelData(PIXELS).toByteArray();
            assertEquals(0x0000, StoreCall.store(scu, 30, "1.2.3.21", atLimit).status(), "64 levels are accepted");
            assertEquals(0xC000, StoreCall.store(scu, 31, "1.2.3.22", overLimit).status(), "65 are not");
        }
    }

    @Test
    void manyValuedTextIsRefusedQuickly() throws Exception {
        // 100,000 values cost PixelMed 9.3 s (quadratic); UC has a 32-bit length, so they fit in one element
        String values = String.join("\\", java.util.Collections.nCopies(100_000, "X"));
        byte[] dataSet = concat(DataSets.explicitLittleEndian().element(0x0008, 0x0008, "UC",
                values.getBytes(StandardCharsets.US_ASCII)).toByteArray(), header("1.2.3.30").pixelData(PIXELS).toByteArray());
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            long started = System.nanoTime();
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.30", dataSet);
            assertEquals(0xC000, answer.status());
            assertTrue(answer.errorComment().startsWith("more than 10000 values (0008,0008)"), answer.errorComment());
            assertTrue(System.nanoTime() - started < 2_000_000_000L, "refused in under 2 s");
        }
    }

    @Test
    void phiAfterThePixelDataReachesNeitherTheSpoolNorTheDestinations() throws Exception {
        byte[] dataSet = header("1.2.3.40")
                .pixelData(PIXELS)
                .sequence(0x7FE0, 0x0020, DataSets.explicitLittleEndian().text(0x0010, 0x0010, "PN", "PHITOKEN^ONE"))
                .text(0x7FE1, 0x0010, "LO", "SOME CREATOR")
                .text(0x7FE1, 0x1001, "LO", "PHITOKEN-TWO")
                .sequence(0xFFFA, 0xFFFA, DataSets.explicitLittleEndian().text(0x0010, 0x0020, "LO", "PHITOKEN-THREE"))
                .element(0xFFFC, 0xFFFC, "OB", "PHITOKEN-FOUR...".getBytes(StandardCharsets.US_ASCII))
                .toByteArray();
        try (Gateway gateway = start("DICOM_GATEWAY_STUDY_STABLEAFTER", "500ms", "DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h");
             RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            assertEquals(0x0000, StoreCall.store(scu, 1, "1.2.3.40", dataSet).status());
            List<Path> staged = StagedFiles.list(spool()); // in incoming/, or in batches/ once sealed
            assertEquals(1, staged.size());
            byte[] stagedBytes = Files.readAllBytes(staged.get(0));
            assertNoToken(stagedBytes, "staged file");
            byte[] pixels = DataSets.pixels(PIXELS);
            assertTrue(endsWith(stagedBytes, pixels), "the staged data set ends with the pixel data, unchanged");
            Delivered.awaitFiles(TestGateway.bucketOf(spool()), ".tar.gz", 1);
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool()), 1);
        }
        for (Path archive : Delivered.files(TestGateway.bucketOf(spool()), ".tar.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
                byte[] tar = in.readAllBytes();
                assertNoToken(tar, "delivered archive");
                assertTrue(StagedFiles.contains(tar, DataSets.pixels(PIXELS)), "pixel data delivered");
            }
        }
        for (Path rows : Delivered.files(TestGateway.metadataOf(spool()), ".ndjson")) {
            assertNoToken(Files.readAllBytes(rows), "metadata rows");
        }
    }

    private static void assertNoToken(byte[] bytes, String where) {
        assertFalse(StagedFiles.contains(bytes, "PHITOKEN".getBytes(StandardCharsets.US_ASCII)), "PHI token in " + where);
        assertFalse(StagedFiles.contains(bytes, "SOME CREATOR".getBytes(StandardCharsets.US_ASCII)), "private creator in " + where);
    }

    private static byte[] deflate(byte[] data) {
        byte[] bytes = DataSets.deflate(data);
        return bytes.length % 2 == 0 ? bytes : Arrays.copyOf(bytes, bytes.length + 1); // a PDV carries even lengths
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length
                && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
