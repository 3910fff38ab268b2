package dev.dicomgateway.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.ConsumerFormatImageMaker;
import com.pixelmed.display.SourceImage;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Renders the first frame of a Part 10 file to an 8-bit PNG for a reviewer (PixelMed's consumer-format rendering:
 * the file's window or the full range, colour as stored). Native (uncompressed) pixel data, deflate, RLE and JPEG
 * baseline render with what Debian's PixelMed and the JDK provide; other compressed syntaxes (JPEG lossless, JPEG-LS,
 * JPEG 2000, video) need codecs that are not installed, and are refused with the transfer syntax named. Headless.
 */
public final class FirstFramePng {
    /** The PNG written: its width and height in pixels (= Columns × Rows) and its size in bytes. */
    public record Rendered(int width, int height, long bytes) {
    }

    private static final Map<String, String> NAMES = Map.of(
            "1.2.840.10008.1.2.4.57", "JPEG Lossless",
            "1.2.840.10008.1.2.4.70", "JPEG Lossless SV1",
            "1.2.840.10008.1.2.4.80", "JPEG-LS Lossless",
            "1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless",
            "1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless",
            "1.2.840.10008.1.2.4.91", "JPEG 2000",
            "1.2.840.10008.1.2.4.51", "JPEG Extended (12-bit)");

    private FirstFramePng() {
    }

    /**
     * Renders {@code part10File}'s first frame into {@code png}, created readable by the owner only (it may show
     * burned-in text); an {@link UnrenderableImageException} says why not and what to do.
     */
    public static Rendered render(Path part10File, Path png) throws IOException, UnrenderableImageException {
        BufferedImage image = firstFrame(part10File);
        Files.deleteIfExists(png);
        try (OutputStream out = Files.newOutputStream(Files.createFile(png,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                StandardOpenOption.WRITE)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(png);
            throw e;
        }
        return new Rendered(image.getWidth(), image.getHeight(), Files.size(png));
    }

    /**
     * The PNG of {@code part10File}'s first frame in memory, scaled down to at most {@code maxSide} pixels a side (the
     * console's preview: never written to a disk, and small whatever the matrix).
     */
    public static byte[] render(Path part10File, int maxSide) throws IOException, UnrenderableImageException {
        BufferedImage image = firstFrame(part10File);
        int longest = Math.max(image.getWidth(), image.getHeight());
        if (longest > maxSide) {
            int width = Math.max(1, (int) ((long) image.getWidth() * maxSide / longest));
            int height = Math.max(1, (int) ((long) image.getHeight() * maxSide / longest));
            BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D graphics = scaled.createGraphics();
            graphics.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(image, 0, 0, width, height, null);
            graphics.dispose();
            image = scaled;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        return out.toByteArray();
    }

    private static BufferedImage firstFrame(Path part10File) throws IOException, UnrenderableImageException {
        System.setProperty("java.awt.headless", "true");
        AttributeList attributes = new AttributeList();
        attributes.setDecompressPixelData(false); // SourceImage decodes the frame it renders; a failure is ours to name
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part10File), 1 << 16);
             DicomInputStream dicom = new DicomInputStream(in)) {
            attributes.read(dicom);
        } catch (DicomException | RuntimeException e) {
            throw new UnrenderableImageException("data set cannot be parsed: " + e.getClass().getSimpleName(), e);
        }
        String syntax = Uids.trimPadding(Attributes.string(attributes, TagFromName.TransferSyntaxUID));
        if (attributes.get(TagFromName.PixelData) == null) {
            throw new UnrenderableImageException("it has no pixel data (SOP class "
                    + Uids.trimPadding(Attributes.string(attributes, TagFromName.SOPClassUID)) + "); open it with a DICOM viewer",
                    null);
        }
        BufferedImage image;
        try {
            image = ConsumerFormatImageMaker.makeEightBitFrame(new SourceImage(attributes), 0);
        } catch (DicomException | RuntimeException e) {
            image = null;
        }
        if (image == null) {
            throw new UnrenderableImageException("no decoder for transfer syntax " + syntax
                    + (NAMES.containsKey(syntax) ? " (" + NAMES.get(syntax) + ")" : "") + "; decompress a copy or use a DICOM viewer", null);
        }
        return image;
    }
}
