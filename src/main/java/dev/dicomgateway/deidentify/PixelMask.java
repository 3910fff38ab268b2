package dev.dicomgateway.deidentify;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Optional;

/**
 * Blanks the burned-in text of a device whose text lies where a deidentify.pixelMasks rule says: the rule's
 * rectangles are filled with zero in every frame of native (uncompressed) pixel data while it is copied, so the
 * instance can be delivered instead of quarantined. Compressed pixel data is never decoded: it stays in quarantine.
 */
final class PixelMask {
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final int CHUNK = 1 << 20;
    /** Photometric interpretations with every sample of every pixel stored: the only ones masked. */
    private static final java.util.Set<String> FULL_SAMPLED = java.util.Set.of("MONOCHROME1", "MONOCHROME2", "RGB",
            "PALETTE COLOR", "YBR_FULL");

    private final PixelMaskRule rule;
    private final int rows;
    private final int columns;
    private final int samplesPerPixel;
    private final int bytesPerSample;
    private final boolean planar;
    private final long valueOffset;
    private final long valueLength;

    private PixelMask(PixelMaskRule rule, AttributeList list, long valueOffset, long valueLength) {
        this.rule = rule;
        this.rows = rule.rows();
        this.columns = rule.columns();
        this.samplesPerPixel = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1));
        this.bytesPerSample = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8) / 8;
        this.planar = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0) == 1;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
    }

    /**
     * The mask for this instance (its original header {@code list}, before de-identification), if a rule matches and
     * its pixel data is a native (7FE0,0010) of 8 or 16 bits at the start of the layout's pixel data.
     */
    static Optional<PixelMask> find(List<PixelMaskRule> rules, AttributeList list, DataSetLayout layout, FileChannel in)
            throws IOException {
        if (rules.isEmpty() || layout.deflated() || layout.bulkStart() >= layout.bulkEnd()) {
            return Optional.empty();
        }
        String manufacturer = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.Manufacturer);
        String model = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.ManufacturerModelName);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        Optional<PixelMaskRule> rule = rules.stream().filter(r -> r.matches(manufacturer, model, rows, columns)).findFirst();
        String photometric = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation).trim();
        if (rule.isEmpty() || (bits != 8 && bits != 16) || !FULL_SAMPLED.contains(photometric)) {
            return Optional.empty(); // YBR_FULL_422 and the like share samples between pixels: the geometry differs
        }
        String syntax = layout.transferSyntaxUid();
        boolean explicit = !TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(syntax);
        boolean native_ = syntax.equals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)
                || syntax.equals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN) || syntax.equals(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN);
        if (!native_) {
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.allocate(12).order(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(syntax)
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        in.read(header, layout.bulkStart());
        int tag = (header.getShort(0) & 0xFFFF) << 16 | (header.getShort(2) & 0xFFFF);
        long length = (explicit ? header.getInt(8) : header.getInt(4)) & 0xFFFFFFFFL;
        if (tag != PIXEL_DATA || length == 0xFFFFFFFFL) {
            return Optional.empty();
        }
        long valueOffset = layout.bulkStart() + (explicit ? 12 : 8);
        return Optional.of(new PixelMask(rule.get(), list, valueOffset, Math.min(length, layout.bulkEnd() - valueOffset)));
    }

    /** Copies the pixel data region [bulkStart, bulkEnd) of {@code in} to {@code out}, blanking the rule's rectangles. */
    void copy(FileChannel in, DataSetLayout layout, FileChannel out) throws IOException {
        long position = layout.bulkStart();
        while (position < valueOffset) {
            position += in.transferTo(position, valueOffset - position, out);
        }
        long pixelBytes = (long) rows * columns;
        long frameBytes = pixelBytes * samplesPerPixel * bytesPerSample;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long done = 0;
        while (done < valueLength) {
            chunk.clear().limit((int) Math.min(CHUNK, valueLength - done));
            int read = in.read(chunk, valueOffset + done);
            if (read <= 0) {
                throw new IOException("pixel data ends early");
            }
            byte[] bytes = chunk.array();
            for (int i = 0; i < read; i++) {
                long withinFrame = (done + i) % frameBytes;
                long pixel = planar ? (withinFrame % (pixelBytes * bytesPerSample)) / bytesPerSample
                        : withinFrame / ((long) samplesPerPixel * bytesPerSample);
                if (rule.masks((int) (pixel % columns), (int) (pixel / columns))) {
                    bytes[i] = 0;
                }
            }
            chunk.flip();
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            done += read;
        }
        position = valueOffset + valueLength;
        while (position < layout.bulkEnd()) {
            position += in.transferTo(position, layout.bulkEnd() - position, out);
        }
    }
}
