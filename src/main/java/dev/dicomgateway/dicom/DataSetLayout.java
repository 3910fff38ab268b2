package dev.dicomgateway.dicom;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Where the parts of a Part 10 file lie, found by {@link #read} — the one gate every received or imported instance
 * passes before anything parses it in memory: the whole data set is walked by the bounded {@link DataSetReader}
 * (past the pixel data, to its last byte; a deflated one inflated to exactly its end), and whatever it cannot account
 * for refuses the instance. What the layout names is what the de-identifier needs: the attributes before the pixel
 * data (parsed), the pixel data itself (copied verbatim, never through the heap), and what follows (dropped).
 *
 * @param sourceAeTitle (0002,0016) of the file meta group: the calling AE title that sent the instance, or ""
 * @param dataSetOffset first byte after the file meta group
 * @param headerEnd     first byte of the first top-level element at or after (7FE0,0000), or the end of the data set
 * @param bulkStart     first byte of the top-level pixel data elements ({@link PixelDataGroup}), else {@code headerEnd}
 * @param bulkEnd       first byte after them: everything from here to the end follows the pixel data
 * @param fileLength    length of the file
 * @param headerStructure the {@link StructureFingerprint} of the attributes before the pixel data as the reader saw
 *                        them; the de-identifier refuses an instance whose PixelMed parse does not match it
 */
public record DataSetLayout(String transferSyntaxUid, String sourceAeTitle, long dataSetOffset, long headerEnd,
                            long bulkStart, long bulkEnd, long fileLength, long headerStructure) {

    /** True when the data set is deflated (its bytes cannot be located without inflating it). */
    public boolean deflated() {
        return TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntaxUid);
    }

    /** Checks {@code file} within {@code limits}; anything it cannot account for is an {@link UnreadableDataSetException}. */
    public static DataSetLayout read(Path file, DataSetLimits limits) throws IOException, UnreadableDataSetException {
        long size = Files.size(file);
        FileMetaGroup meta = FileMetaGroup.read(file);
        if (TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(meta.transferSyntaxUid())) {
            long structure = checkDeflated(file, meta, limits);
            return new DataSetLayout(meta.transferSyntaxUid(), meta.sourceAeTitle(), meta.dataSetOffset(), size,
                    size, size, size, structure);
        }
        return walk(file, meta, size, limits);
    }

    private static DataSetLayout walk(Path file, FileMetaGroup meta, long size, DataSetLimits limits)
            throws IOException, UnreadableDataSetException {
        long base = meta.dataSetOffset();
        long headerEnd = -1;
        long bulkStart = -1;
        long bulkEnd = -1;
        Structure structure = new Structure();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(base);
            DataSetReader reader = new DataSetReader(in, meta.transferSyntaxUid(), size - base, limits, false);
            DataSetReader.Event event;
            while ((event = reader.next()) != DataSetReader.Event.END) {
                structure.add(reader, event);
                if (event != DataSetReader.Event.ELEMENT || reader.depth() != 0) {
                    continue;
                }
                int tag = reader.tag();
                long offset = base + reader.offset();
                if (headerEnd < 0 && Integer.compareUnsigned(tag, 0x7FE00000) >= 0) {
                    headerEnd = offset;
                }
                boolean pixel = PixelDataGroup.isPermitted(tag);
                PixelDataGroup.refuseUnknown(tag, reader.offset());
                if (pixel && bulkStart < 0) {
                    bulkStart = offset;
                } else if (!pixel && bulkStart >= 0 && bulkEnd < 0) {
                    bulkEnd = offset;
                }
            }
        }
        if (headerEnd < 0) {
            headerEnd = size;
        }
        if (bulkStart < 0) {
            bulkStart = headerEnd;
            bulkEnd = headerEnd;
        } else if (bulkEnd < 0) {
            bulkEnd = size;
        }
        return new DataSetLayout(meta.transferSyntaxUid(), meta.sourceAeTitle(), base, headerEnd, bulkStart, bulkEnd, size,
                structure.fingerprint.value());
    }

    /** Feeds the reader's events for the compared part of the header into a fingerprint (file path and one pass). */
    static final class Structure {
        final StructureFingerprint fingerprint = new StructureFingerprint();
        boolean counting;

        void add(DataSetReader reader, DataSetReader.Event event) {
            if (event == DataSetReader.Event.ELEMENT && reader.depth() == 0) {
                counting = StructureFingerprint.counts(reader.tag());
            }
            if (counting && (event == DataSetReader.Event.ELEMENT || event == DataSetReader.Event.ITEM)) {
                fingerprint.add(reader.depth(), reader.tag());
            }
        }
    }

    private static boolean padByte(Path file) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == 0;
        }
    }

    /** Inflates the data set and walks it: it must end exactly where the deflate stream ends, and that at the file's end. */
    private static long checkDeflated(Path file, FileMetaGroup meta, DataSetLimits limits)
            throws IOException, UnreadableDataSetException {
        Inflater inflater = new Inflater(true);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.skipNBytes(meta.dataSetOffset());
            InflaterInputStream inflated = new InflaterInputStream(raw, inflater, 1 << 16);
            DataSetReader reader = new DataSetReader(inflated, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, -1, limits, true);
            Structure structure = new Structure();
            DataSetReader.Event event;
            while ((event = reader.next()) != DataSetReader.Event.END) {
                structure.add(reader, event);
            }
            // what follows the deflate stream: nothing, or the one NUL that pads it to an even length (PS3.5 A.5)
            long left = inflater.getRemaining() + raw.skip(2);
            boolean padOnly = left == 0 || left == 1 && padByte(file);
            if (!inflater.finished() || !padOnly) {
                throw new UnreadableDataSetException("deflated data set does not end where its deflate stream ends", null);
            }
            return structure.fingerprint.value();
        } catch (ZipException | EOFException e) {
            throw new UnreadableDataSetException("deflate stream is corrupt or truncated", e);
        } finally {
            inflater.end();
        }
    }
}
