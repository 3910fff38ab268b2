package dev.dicomgateway.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds small explicit VR little endian data sets by hand, for C-STOREs sent with {@link RawScu}. */
public final class DataSets {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public static DataSets explicitLittleEndian() {
        return new DataSets();
    }

    /** Adds a short-form text element (UI, LO, PN, CS, DA …); elements must be added in tag order. */
    public DataSets text(int group, int element, String vr, String value) {
        byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
        byte pad = vr.equals("UI") ? (byte) 0 : (byte) ' ';
        if (raw.length % 2 != 0) {
            byte[] even = new byte[raw.length + 1];
            System.arraycopy(raw, 0, even, 0, raw.length);
            even[raw.length] = pad;
            raw = even;
        }
        tag(group, element);
        bytes.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        bytes.write(raw.length);
        bytes.write(raw.length >>> 8);
        bytes.writeBytes(raw);
        return this;
    }

    /** Adds an element with any explicit VR (long-form lengths for OB, OW, UN, SQ, UT …) and the raw {@code value}. */
    public DataSets element(int group, int element, String vr, byte[] value) {
        tag(group, element);
        bytes.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (java.util.Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV").contains(vr)) {
            bytes.writeBytes(new byte[] {0, 0});
            int32(value.length);
        } else {
            bytes.write(value.length);
            bytes.write(value.length >>> 8);
        }
        bytes.writeBytes(value);
        return this;
    }

    /** Adds raw bytes as they are (a stray delimiter, a broken header …). */
    public DataSets raw(byte... raw) {
        bytes.writeBytes(raw);
        return this;
    }

    /** Adds an undefined-length sequence holding one undefined-length item with {@code item}'s elements. */
    public DataSets sequence(int group, int element, DataSets item) {
        tag(group, element);
        bytes.writeBytes(new byte[] {'S', 'Q', 0, 0, -1, -1, -1, -1});
        bytes.writeBytes(new byte[] {-2, -1, 0, -32, -1, -1, -1, -1}); // (FFFE,E000) undefined length
        bytes.writeBytes(item.toByteArray());
        bytes.writeBytes(new byte[] {-2, -1, 13, -32, 0, 0, 0, 0}); // (FFFE,E00D)
        bytes.writeBytes(new byte[] {-2, -1, -35, -32, 0, 0, 0, 0}); // (FFFE,E0DD)
        return this;
    }

    /**
     * Adds {@code depth} sequences nested in one another at (group,element) — each the only element of its
     * enclosing item — written iteratively, so any depth can be built.
     */
    public DataSets nested(int group, int element, int depth) {
        byte[] open = new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8),
                'S', 'Q', 0, 0, -1, -1, -1, -1, -2, -1, 0, -32, -1, -1, -1, -1};
        byte[] close = new byte[] {-2, -1, 13, -32, 0, 0, 0, 0, -2, -1, -35, -32, 0, 0, 0, 0};
        for (int i = 0; i < depth; i++) {
            bytes.writeBytes(open);
        }
        for (int i = 0; i < depth; i++) {
            bytes.writeBytes(close);
        }
        return this;
    }

    /** The pixel bytes {@link #pixelData} writes for {@code length}. */
    public static byte[] pixels(int length) {
        byte[] pixels = new byte[length];
        for (int i = 0; i < length; i++) {
            pixels[i] = (byte) (i * 31);
        }
        return pixels;
    }

    /** {@code data} compressed as a raw deflate stream (no zlib header), as the Deflated Explicit VR syntax carries it. */
    public static byte[] deflate(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** Adds a US element. */
    public DataSets us(int group, int element, int value) {
        tag(group, element);
        bytes.writeBytes(new byte[] {'U', 'S', 2, 0, (byte) value, (byte) (value >>> 8)});
        return this;
    }

    /** Adds (7FE0,0010) OW pixel data of {@code length} bytes. */
    public DataSets pixelData(int length) {
        tag(0x7FE0, 0x0010);
        bytes.writeBytes(new byte[] {'O', 'W', 0, 0});
        int32(length);
        bytes.writeBytes(pixels(length));
        return this;
    }

    /** The header of {@link #ct} without its pixel data, to add more before or after it. */
    public static DataSets ctHeader(String sopInstanceUid, String patientId, String studyUid, String seriesUid) {
        return explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                .text(0x0008, 0x0018, "UI", sopInstanceUid)
                .text(0x0008, 0x0060, "CS", "CT")
                .text(0x0010, 0x0020, "LO", patientId)
                .text(0x0020, 0x000D, "UI", studyUid)
                .text(0x0020, 0x000E, "UI", seriesUid);
    }

    private void int32(int value) {
        bytes.writeBytes(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    /** A CT instance with the given identifiers and {@code pixelBytes} of pixel data. */
    public static byte[] ct(String sopInstanceUid, String patientId, String studyUid, String seriesUid, int pixelBytes) {
        return ctHeader(sopInstanceUid, patientId, studyUid, seriesUid).pixelData(pixelBytes).toByteArray();
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    private void tag(int group, int element) {
        bytes.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8)});
    }
}
