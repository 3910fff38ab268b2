package dev.dicomgateway.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the staging attributes of a Part 10 file, stopping before the pixel data so that a multi-gigabyte
 * instance costs a few kilobytes of heap. PixelMed does the parsing (all transfer syntaxes, deflate included).
 */
public final class InstanceHeaderReader {

    /** Reads the header of {@code part10File}; any parse failure is an {@link UnreadableDataSetException}. */
    public InstanceHeader read(Path part10File) throws UnreadableDataSetException, IOException {
        AttributeList attributes = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part10File), 64 * 1024);
             DicomInputStream dicom = new DicomInputStream(in)) {
            attributes.read(dicom, TagFromName.PixelData);
        } catch (DicomException | RuntimeException | StackOverflowError e) {
            throw new UnreadableDataSetException("data set cannot be parsed: " + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            if (!Files.isReadable(part10File)) {
                throw e;
            }
            throw new UnreadableDataSetException("data set is truncated or malformed: " + e.getClass().getSimpleName(), e);
        }
        return header(attributes);
    }

    /** The staging attributes of an already parsed data set. */
    public static InstanceHeader header(AttributeList attributes) {
        return new InstanceHeader(
                uid(attributes, TagFromName.SOPClassUID),
                uid(attributes, TagFromName.SOPInstanceUID),
                uid(attributes, TagFromName.StudyInstanceUID),
                uid(attributes, TagFromName.SeriesInstanceUID),
                Attributes.string(attributes, TagFromName.PatientID),
                Attributes.string(attributes, TagFromName.Modality),
                Attributes.string(attributes, TagFromName.BurnedInAnnotation));
    }

    private static String uid(AttributeList attributes, AttributeTag tag) {
        return Uids.trimPadding(Attributes.string(attributes, tag));
    }
}
