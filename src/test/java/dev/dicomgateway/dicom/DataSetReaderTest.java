package dev.dicomgateway.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.DataSets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** The pull parser on hand-built data sets: its events, and the structures it must refuse that real files never have. */
class DataSetReaderTest {
    private static final String IMPLICIT = "1.2.840.10008.1.2";
    private static final String EXPLICIT = "1.2.840.10008.1.2.1";

    @Test
    void eventsFollowTheStructureWithDepths() throws Exception {
        byte[] data = DataSets.explicitLittleEndian()
                .text(0x0008, 0x0018, "UI", "1.2.3")
                .sequence(0x0040, 0x0275, DataSets.explicitLittleEndian().text(0x0040, 0x1001, "SH", "RP1"))
                .pixelData(8)
                .toByteArray();
        DataSetReader reader = reader(data, EXPLICIT, data.length, DataSetLimits.DEFAULT);
        List<String> events = new ArrayList<>();
        DataSetReader.Event event;
        while ((event = reader.next()) != DataSetReader.Event.END) {
            events.add(event + (event == DataSetReader.Event.ELEMENT ? String.format("(%08X,%s)@%d", reader.tag(), reader.vr(), reader.depth()) : ""));
        }
        assertEquals(List.of("ELEMENT(00080018,UI)@0", "ELEMENT(00400275,SQ)@0", "ITEM", "ELEMENT(00401001,SH)@1",
                "ITEM_END", "SEQUENCE_END", "ELEMENT(7FE00010,OW)@0"), events);
    }

    @Test
    void definedLengthSequencesInImplicitVrAreFoundByTheDictionaryAndCountedForDepth() throws Exception {
        // (0040,0275) nested 100 times, each sequence and item of defined length: only the dictionary says SQ
        byte[] inner = new byte[0];
        for (int i = 0; i < 100; i++) {
            byte[] item = concat(header(0xFFFE, 0xE000, inner.length), inner);
            inner = concat(header(0x0040, 0x0275, item.length), item);
        }
        byte[] data = inner;
        UnreadableDataSetException refused = assertThrows(UnreadableDataSetException.class,
                () -> walk(data, IMPLICIT, data.length, DataSetLimits.DEFAULT));
        assertTrue(refused.getMessage().startsWith("sequences nested deeper than 64 (0040,0275)"), refused.getMessage());
    }

    @Test
    void unknownVrIsReadAsPixelMedReadsIt() throws Exception {
        // explicit UN of undefined length holding an implicit-VR sequence of a tag the dictionary knows as SQ: walked
        byte[] item = concat(header(0xFFFE, 0xE000, 8), header(0x0040, 0x1001, 0)); // one implicit element
        byte[] undefinedItems = concat(concat(item, new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}), new byte[0]);
        byte[] sequence = concat(new byte[] {0x40, 0x00, 0x75, 0x02, 'U', 'N', 0, 0, -1, -1, -1, -1}, undefinedItems);
        walk(sequence, EXPLICIT, sequence.length, DataSetLimits.DEFAULT);
        // PixelMed keeps a defined-length UN of a sequence tag as opaque bytes, which the profile cannot look into
        byte[] definedSequence = DataSets.explicitLittleEndian().element(0x0040, 0x0275, "UN", item).toByteArray();
        UnreadableDataSetException opaque = assertThrows(UnreadableDataSetException.class,
                () -> walk(definedSequence, EXPLICIT, definedSequence.length, DataSetLimits.DEFAULT));
        assertEquals("UN of defined length for a sequence (0040,0275) at byte 0", opaque.getMessage());
        // and reads an undefined-length UN of a text tag as text, so it is no sequence to it
        byte[] text = concat(new byte[] {0x20, 0x00, 0x00, 0x40, 'U', 'N', 0, 0, -1, -1, -1, -1}, undefinedItems);
        assertThrows(UnreadableDataSetException.class, () -> walk(text, EXPLICIT, text.length, DataSetLimits.DEFAULT));
        // a UN of a known text tag counts its values as that VR does
        String many = String.join("\\", java.util.Collections.nCopies(20_000, "1"));
        byte[] contour = DataSets.explicitLittleEndian().element(0x3006, 0x0050, "UN",
                many.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toByteArray();
        UnreadableDataSetException counted = assertThrows(UnreadableDataSetException.class,
                () -> walk(contour, EXPLICIT, contour.length, DataSetLimits.DEFAULT));
        assertTrue(counted.getMessage().startsWith("more than 10000 values (3006,0050)"), counted.getMessage());
    }

    @Test
    void reservedBytesMustBeZero() throws Exception {
        byte[] data = DataSets.explicitLittleEndian().element(0x0009, 0x1010, "OB", new byte[4]).toByteArray();
        data[6] = 4; // PixelMed would read these as a 16-bit length
        UnreadableDataSetException refused = assertThrows(UnreadableDataSetException.class,
                () -> walk(data, EXPLICIT, data.length, DataSetLimits.DEFAULT));
        assertEquals("reserved bytes not zero (0009,1010) at byte 0", refused.getMessage());
    }

    @Test
    void lengthsMustFitTheirContainerAndTheInput() throws Exception {
        byte[] data = DataSets.explicitLittleEndian().text(0x0010, 0x0010, "PN", "DOE^JOHN").toByteArray();
        data[6] = 0x40; // the PN claims 64 bytes, 8 are there
        byte[] longer = data;
        UnreadableDataSetException refused = assertThrows(UnreadableDataSetException.class,
                () -> walk(longer, EXPLICIT, longer.length, DataSetLimits.DEFAULT));
        assertEquals("length runs past the end of the data (0010,0010) at byte 0", refused.getMessage());
        // on a stream of unknown length (an inflater) the end of input tells
        assertThrows(UnreadableDataSetException.class, () -> walk(longer, EXPLICIT, -1, DataSetLimits.DEFAULT));
    }

    @Test
    void encapsulatedFragmentsNeedDefinedLengths() throws Exception {
        byte[] data = concat(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1},
                new byte[] {-2, -1, 0, -32, 0, 0, 0, 0, -2, -1, 0, -32, -1, -1, -1, -1});
        UnreadableDataSetException refused = assertThrows(UnreadableDataSetException.class,
                () -> walk(data, EXPLICIT, data.length, DataSetLimits.DEFAULT));
        assertTrue(refused.getMessage().startsWith("pixel data fragment of undefined length"), refused.getMessage());
    }

    @Test
    void aDeflateBombStopsAtTheHeaderLimitWithoutInflatingItAll() throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        long inflatedSize = 1L << 30;
        try (DeflaterOutputStream out = new DeflaterOutputStream(compressed, new Deflater(9, true))) {
            out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, 0, 0, 0, 0x40}); // 1 GiB of OB
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++) {
                out.write(zeros);
            }
        }
        assertTrue(compressed.size() < 2 << 20, "1 GiB deflates to " + compressed.size() + " bytes");
        long started = System.nanoTime();
        InputStream inflated = new InflaterInputStream(new ByteArrayInputStream(compressed.toByteArray()),
                new java.util.zip.Inflater(true));
        UnreadableDataSetException refused = assertThrows(UnreadableDataSetException.class, () -> {
            DataSetReader reader = new DataSetReader(inflated, EXPLICIT, -1, DataSetLimits.DEFAULT, true);
            while (reader.next() != DataSetReader.Event.END) {
                // walk
            }
        });
        assertTrue(refused.getMessage().startsWith("attributes exceed 65536 KiB (7FE0,0010)"), refused.getMessage());
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "refused before inflating " + inflatedSize + " bytes");
    }

    private static void walk(byte[] data, String transferSyntax, long length, DataSetLimits limits) throws Exception {
        DataSetReader reader = reader(data, transferSyntax, length, limits);
        while (reader.next() != DataSetReader.Event.END) {
            // the walk is the check
        }
    }

    private static DataSetReader reader(byte[] data, String transferSyntax, long length, DataSetLimits limits) {
        return new DataSetReader(new ByteArrayInputStream(data), transferSyntax, length, limits, false);
    }

    /** An implicit VR little endian element header (tag, 32-bit length). */
    private static byte[] header(int group, int element, int length) {
        return new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8),
                (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
