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
        bytes.writeBytes(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
        byte[] pixels = new byte[length];
        for (int i = 0; i < length; i++) {
            pixels[i] = (byte) (i * 31);
        }
        bytes.writeBytes(pixels);
        return this;
    }

    /** A CT instance with the given identifiers and {@code pixelBytes} of pixel data. */
    public static byte[] ct(String sopInstanceUid, String patientId, String studyUid, String seriesUid, int pixelBytes) {
        return explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                .text(0x0008, 0x0018, "UI", sopInstanceUid)
                .text(0x0008, 0x0060, "CS", "CT")
                .text(0x0010, 0x0020, "LO", patientId)
                .text(0x0020, 0x000D, "UI", studyUid)
                .text(0x0020, 0x000E, "UI", seriesUid)
                .pixelData(pixelBytes)
                .toByteArray();
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    private void tag(int group, int element) {
        bytes.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8)});
    }
}
