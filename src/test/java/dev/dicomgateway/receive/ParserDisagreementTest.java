package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sets the gate (DataSetReader) reads one way and PixelMed — which parses the header region the gate let
 * through — reads another. Each test failed on the code of commit 400b138 (found by an adversarial review) and
 * passes now: the reader refuses what PixelMed would read otherwise, and the two parses are compared.
 */
class ParserDisagreementTest {
    private static final String STUDY = "1.2.826.0.1.3680043.2.1125.1";
    private static final String SERIES = "1.2.826.0.1.3680043.2.1125.2";
    private static final int PIXELS = 4096;
    private static final byte[] TOKEN = "PHITOKEN".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    private Gateway start() throws Exception {
        return TestGateway.start(root.resolve("spool"), "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false");
    }

    /** (0008,0016) .. (0008,0060) of a CT. */
    private static DataSets top(String sop) {
        return DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                .text(0x0008, 0x0018, "UI", sop)
                .text(0x0008, 0x0060, "CS", "CT");
    }

    /** (0010,0020) .. (0020,000E) of a CT. */
    private static DataSets ids(DataSets d) {
        return d.text(0x0010, 0x0020, "LO", "PATIENT-1")
                .text(0x0020, 0x000D, "UI", STUDY)
                .text(0x0020, 0x000E, "UI", SERIES);
    }

    /**
     * An explicit VR element of long-length VR whose two reserved bytes are not zero. The gate skips the reserved
     * bytes and reads the 32-bit length; PixelMed (AttributeList.read, "incorrect short Value Length Form ...
     * compensating") takes the reserved bytes as a 16-bit length and goes on parsing from there.
     */
    private static byte[] reservedLengthElement(int group, int element, String vr, int reserved, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8)});
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {(byte) reserved, (byte) (reserved >>> 8)});
        out.writeBytes(le32(value.length));
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] implicitElement(int group, int element, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8)});
        out.writeBytes(le32(value.length));
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] item(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {-2, -1, 0, -32});
        out.writeBytes(le32(content.length));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] stagedBytes(Path spool) throws IOException {
        List<Path> staged = StagedFiles.under(spool);
        assertEquals(1, staged.size(), "one instance staged");
        String keep = System.getenv("ADVERSARY_KEEP");
        if (keep != null) {
            Files.copy(staged.get(0), Path.of(keep, staged.get(0).getFileName().toString()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return Files.readAllBytes(staged.get(0));
    }

    /**
     * (0028,3010) VOI LUT Sequence (not in Table E.1-1: KEEP) sent as explicit UN of defined length holding an item
     * with (0010,0010) PatientName. The gate parses it as a sequence (PS3.5 6.2.2) and accepts it; PixelMed only
     * treats UN as a sequence when its length is undefined, so it keeps the value as opaque bytes, the profile never
     * sees the PatientName inside, and it is staged verbatim. pydicom (replace_un_with_known_vr) reads it back as a
     * sequence with the PatientName.
     */
    @Test
    void unOfDefinedLengthOnAKeptSequenceCannotCarryPatientNameIntoTheSpool() throws Exception {
        byte[] nested = item(implicitElement(0x0010, 0x0010, "PHITOKEN^NESTED ".getBytes(StandardCharsets.US_ASCII)));
        DataSets d = ids(top("1.2.3.100").text(0x0010, 0x0010, "PN", "REAL^NAME"));
        d.element(0x0028, 0x3010, "UN", nested).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.100", d.toByteArray());
            if (!answer.success()) {
                return; // refusing it is a correct outcome
            }
        }
        assertFalse(StagedFiles.contains(stagedBytes(root.resolve("spool")), TOKEN),
                "a PatientName the gate parsed inside a sequence reached the staged file verbatim");
    }

    /**
     * The gate sees an empty unknown even-group element (0008,00FE) UN followed by a top-level (0010,0010)
     * PatientName; PixelMed takes the reserved bytes (0x0014) as the UN value length, swallows the 4 length bytes
     * plus the whole PatientName element into the UN value, and the profile (KEEP for tags it does not list) stages
     * that value — with the patient's name in it.
     */
    @Test
    void reservedBytesCannotMakePixelMedSwallowThePatientNameIntoAKeptValue() throws Exception {
        byte[] name = DataSets.explicitLittleEndian().text(0x0010, 0x0010, "PN", "PHITOKEN^REAL").toByteArray();
        DataSets d = top("1.2.3.101").raw(reservedLengthElement(0x0008, 0x00FE, "UN", 4 + name.length, new byte[0]))
                .raw(name);
        ids(d).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.101", d.toByteArray());
            if (!answer.success()) {
                return;
            }
        }
        assertFalse(StagedFiles.contains(stagedBytes(root.resolve("spool")), TOKEN),
                "the top-level PatientName the gate saw was staged inside another attribute's value");
    }

    /**
     * The gate sees (0008,00FE) UN holding opaque bytes; PixelMed reads a 4-byte value and then parses the bytes
     * inside as elements: a (7FE0,0010) Pixel Data of other pixels. PixelMed writes it as part of the header and
     * the real pixel data is appended after it, so the staged file holds two (7FE0,0010), the first of them pixels
     * that were never the instance's pixel data — behind a Success.
     */
    @Test
    void reservedBytesCannotSmuggleASecondPixelDataIntoTheHeader() throws Exception {
        byte[] fake = new byte[64];
        Arrays.fill(fake, (byte) 0xAB);
        byte[] hidden = DataSets.explicitLittleEndian().element(0x7FE0, 0x0010, "OB", fake).toByteArray();
        DataSets d = top("1.2.3.102").raw(reservedLengthElement(0x0008, 0x00FE, "UN", 4, hidden));
        ids(d).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.102", d.toByteArray());
            if (!answer.success()) {
                return;
            }
        }
        byte[] staged = stagedBytes(root.resolve("spool"));
        byte[] tag = {(byte) 0xE0, 0x7F, 0x10, 0x00};
        int count = 0;
        for (int i = 0; i + 4 <= staged.length; i++) {
            if (Arrays.equals(staged, i, i + 4, tag, 0, 4)) {
                count++;
                i += 3;
            }
        }
        assertFalse(StagedFiles.contains(staged, fake), "pixels that were not the pixel data staged as (7FE0,0010)");
        assertEquals(1, count, "one (7FE0,0010) in the staged file");
    }

    /**
     * The same desync hides 20,000 nested sequences from the gate's depth limit (64): PixelMed recurses on them.
     * Expected: 0xC000 "sequences nested deeper than 64" like any other deep data set. Observed: PixelMed's
     * StackOverflowError, the association aborted (internal_error), no C-STORE-RSP.
     */
    @Test
    void reservedBytesCannotHideDeepNestingFromTheDepthLimit() throws Exception {
        byte[] deep = DataSets.explicitLittleEndian().nested(0x0040, 0x0275, 20_000).toByteArray();
        DataSets d = top("1.2.3.103").raw(reservedLengthElement(0x0008, 0x00FE, "UN", 4, deep));
        ids(d).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer;
            try {
                answer = StoreCall.store(scu, 1, "1.2.3.103", d.toByteArray());
            } catch (IOException e) {
                throw new AssertionError("no C-STORE-RSP (association aborted): " + e.getMessage(), e);
            }
            assertEquals(0xC000, answer.status(), answer.errorComment());
        }
    }

    /**
     * (3006,0050) Contour Data sent as explicit UN: the gate counts backslash-separated values only for text VRs, so
     * maxValuesPerElement (10,000) does not apply; PixelMed replaces UN by the dictionary's DS and, Contour Data
     * being exempt from its 64 KiB sanity check, splits 150,000 values in quadratic time.
     * Expected: 0xC000 "more than 10000 values" in well under 2 s (as HostileDataSetTest.manyValuedTextIsRefusedQuickly).
     */
    @Test
    void unknownVrDoesNotBypassTheValueCountLimit() throws Exception {
        String values = String.join("\\", java.util.Collections.nCopies(150_000, "0"));
        byte[] contour = values.getBytes(StandardCharsets.US_ASCII);
        if (contour.length % 2 != 0) {
            contour = Arrays.copyOf(contour, contour.length + 1);
            contour[contour.length - 1] = ' ';
        }
        DataSets d = ids(top("1.2.3.104"));
        d.element(0x3006, 0x0050, "UN", contour).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            long started = System.nanoTime();
            StoreCall.Answer answer;
            try {
                answer = StoreCall.store(scu, 1, "1.2.3.104", d.toByteArray());
            } catch (IOException e) {
                throw new AssertionError("no answer after " + (System.nanoTime() - started) / 1_000_000 + " ms ("
                        + e.getMessage() + ")", e);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(0xC000, answer.status(), "answered " + Integer.toHexString(answer.status()) + " after " + millis + " ms");
            assertTrue(millis < 2_000, "refused in under 2 s, took " + millis + " ms");
        }
    }
    /**
     * (0020,4000) Image Comments (LT) sent as explicit UN of undefined length holding one empty item. The gate reads
     * an implicit VR sequence (PS3.5 6.2.2). PixelMed first replaces UN by the dictionary's LT, so it is no sequence
     * to it: it skips the item tag ("Ignoring bad Item"), meets the item delimiter at top level and stops reading the
     * data set there. Everything after it — here Rows, Columns, Bits Allocated — is missing from the staged header,
     * while the pixel data is appended: a Success whose pixel data can no longer be interpreted.
     */
    @Test
    void unOfUndefinedLengthOnATextTagCannotEndPixelMedsHeaderEarly() throws Exception {
        DataSets d = ids(top("1.2.3.105"));
        d.raw(new byte[] {0x20, 0x00, 0x00, 0x40, 'U', 'N', 0, 0, -1, -1, -1, -1,
                        -2, -1, 0, -32, -1, -1, -1, -1, -2, -1, 13, -32, 0, 0, 0, 0, -2, -1, -35, -32, 0, 0, 0, 0})
                .us(0x0028, 0x0010, 32).us(0x0028, 0x0011, 64).us(0x0028, 0x0100, 16).pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.105", d.toByteArray());
            if (!answer.success()) {
                return;
            }
        }
        byte[] staged = stagedBytes(root.resolve("spool"));
        assertTrue(StagedFiles.contains(staged, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S'}),
                "(0028,0010) Rows, sent before the pixel data, is missing from the staged instance");
        assertTrue(StagedFiles.contains(staged, new byte[] {0x28, 0x00, 0x00, 0x01, 'U', 'S'}),
                "(0028,0100) Bits Allocated is missing from the staged instance");
    }
    /**
     * Every limit respected: each element holds 10,000 values (the limit), the header 4 MB (of 64 MiB allowed). But
     * the limit is per element and PixelMed's split is quadratic per element, so the cost multiplies with the number
     * of such elements the header limit admits: 200 elements here; 64 MiB admits about 3,300.
     * Expected: a data set within the limits is parsed in bounded time (here: under 10 s).
     */
    @Test
    void manyElementsAtTheValueLimitCannotCostMinutesOfCpu() throws Exception {
        byte[] values = String.join("\\", java.util.Collections.nCopies(10_000, "X")).getBytes(StandardCharsets.US_ASCII);
        if (values.length % 2 != 0) {
            values = Arrays.copyOf(values, values.length + 1);
            values[values.length - 1] = ' ';
        }
        DataSets d = ids(top("1.2.3.106"));
        for (int i = 0; i < 200; i++) {
            d.element(0x0021, 0x1000 + i, "UC", values);
        }
        d.pixelData(PIXELS);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            long started = System.nanoTime();
            String answered;
            try {
                answered = Integer.toHexString(StoreCall.store(scu, 1, "1.2.3.106", d.toByteArray()).status());
            } catch (IOException e) {
                answered = "nothing (" + e.getMessage() + ")";
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 10_000, "answered " + answered + " after " + millis
                    + " ms for 200 elements of 10,000 values (4 MB)");
        }
    }
    /**
     * (7FE0,0010) sent with VR SQ: the gate parses it as a sequence whose item holds (0010,0010) PatientName, and the
     * layout, seeing a top-level pixel data tag, puts it in the region that is copied byte for byte without
     * de-identification. The staged file carries the PatientName (pydicom and dcmdump read it as a sequence).
     * Expected: refused (pixel data must be OB/OW/OF/OD/OL/UN, not SQ), or at least not staged verbatim.
     */
    @Test
    void pixelDataSentAsASequenceCannotCarryPhiPastTheProfile() throws Exception {
        DataSets item = DataSets.explicitLittleEndian().text(0x0010, 0x0010, "PN", "PHITOKEN^PIXEL");
        DataSets d = ids(top("1.2.3.107")).us(0x0028, 0x0010, 1).sequence(0x7FE0, 0x0010, item);
        try (Gateway gateway = start(); RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.107", d.toByteArray());
            if (!answer.success()) {
                return;
            }
        }
        assertFalse(StagedFiles.contains(stagedBytes(root.resolve("spool")), TOKEN),
                "a PatientName inside an SQ-typed (7FE0,0010) was copied into the staged file");
    }
}
