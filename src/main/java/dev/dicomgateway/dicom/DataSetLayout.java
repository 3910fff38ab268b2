package dev.dicomgateway.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Where the parts of a Part 10 file lie, found by walking its top-level elements without reading their values:
 * the data set's start, its transfer syntax, and the byte range of the pixel data group (7FE0,xxxx). That range is
 * what the de-identifier copies verbatim, so bulk data never passes through the heap.
 *
 * @param sourceAeTitle  (0002,0016) of the file meta group: the calling AE title that sent the instance, or ""
 * @param dataSetOffset  first byte after the file meta group
 * @param bulkStart      first byte of the first top-level element of group 7FE0 (or the end of the data set)
 * @param bulkEnd        first byte after the last top-level element of group 7FE0
 * @param fileLength     length of the file
 */
public record DataSetLayout(String transferSyntaxUid, String sourceAeTitle, long dataSetOffset, long bulkStart,
                            long bulkEnd, long fileLength) {

    private static final Set<String> LONG_LENGTH_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC",
            "UN", "UR", "UT", "UV");
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int PIXEL_GROUP = 0x7FE0;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;

    /** True when the data set is deflated (its bytes cannot be located without inflating it). */
    public boolean deflated() {
        return TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntaxUid);
    }

    /** Scans {@code file}; a structure that does not add up is an {@link UnreadableDataSetException}. */
    public static DataSetLayout scan(Path file) throws IOException, UnreadableDataSetException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Scanner(channel).scan();
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new UnreadableDataSetException("data set structure is malformed", e);
        }
    }

    private static final class Scanner {
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer header = ByteBuffer.allocate(12);

        Scanner(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        DataSetLayout scan() throws IOException, UnreadableDataSetException {
            if (size < 132 || !"DICM".equals(new String(bytes(128, 4), StandardCharsets.US_ASCII))) {
                throw new UnreadableDataSetException("not a Part 10 file", null);
            }
            long position = 132;
            String transferSyntax = null;
            String sourceAe = "";
            while (position + 8 <= size) {
                ByteBuffer b = read(position, 8).order(ByteOrder.LITTLE_ENDIAN);
                int group = b.getShort(0) & 0xFFFF;
                if (group != 0x0002) {
                    break;
                }
                int element = b.getShort(2) & 0xFFFF;
                String vr = new String(new byte[] {b.get(4), b.get(5)}, StandardCharsets.US_ASCII);
                long length;
                long valueStart;
                if (LONG_LENGTH_VRS.contains(vr)) {
                    length = read(position + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFFFFFFL;
                    valueStart = position + 12;
                } else {
                    length = b.getShort(6) & 0xFFFF;
                    valueStart = position + 8;
                }
                if (element == 0x0010) {
                    transferSyntax = Uids.trimPadding(new String(bytes(valueStart, (int) length), StandardCharsets.US_ASCII));
                } else if (element == 0x0016) {
                    sourceAe = new String(bytes(valueStart, (int) length), StandardCharsets.US_ASCII).trim();
                }
                position = valueStart + length;
            }
            if (transferSyntax == null) {
                throw new UnreadableDataSetException("file meta information has no transfer syntax", null);
            }
            long dataSetOffset = position;
            if (TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax)) {
                return new DataSetLayout(transferSyntax, sourceAe, dataSetOffset, size, size, size);
            }
            boolean explicit = !TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax);
            ByteOrder order = TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(transferSyntax) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            long bulkStart = -1;
            while (position < size) {
                Element e = element(position, explicit, order);
                if (e.group() >= PIXEL_GROUP && bulkStart < 0) {
                    bulkStart = position;
                }
                if (e.group() > PIXEL_GROUP) {
                    return new DataSetLayout(transferSyntax, sourceAe, dataSetOffset, bulkStart, position, size);
                }
                position = skipValue(e, explicit, order);
            }
            if (position != size) {
                throw new UnreadableDataSetException("data set ends inside an element", null);
            }
            return new DataSetLayout(transferSyntax, sourceAe, dataSetOffset, bulkStart < 0 ? size : bulkStart, size, size);
        }

        private record Element(int tag, String vr, long length, long valueStart) {
            int group() {
                return tag >>> 16;
            }
        }

        private Element element(long position, boolean explicit, ByteOrder order) throws IOException, UnreadableDataSetException {
            ByteBuffer b = read(position, 8).order(order);
            int tag = (b.getShort(0) & 0xFFFF) << 16 | (b.getShort(2) & 0xFFFF);
            boolean delimiterOrItem = (tag >>> 16) == 0xFFFE;
            if (!explicit || delimiterOrItem) {
                return new Element(tag, null, b.getInt(4) & 0xFFFFFFFFL, position + 8);
            }
            String vr = new String(new byte[] {b.get(4), b.get(5)}, StandardCharsets.US_ASCII);
            if (LONG_LENGTH_VRS.contains(vr)) {
                return new Element(tag, vr, read(position + 8, 4).order(order).getInt(0) & 0xFFFFFFFFL, position + 12);
            }
            return new Element(tag, vr, b.getShort(6) & 0xFFFF, position + 8);
        }

        /** The position after the element's value, walking undefined-length sequences and encapsulated pixel data. */
        private long skipValue(Element e, boolean explicit, ByteOrder order) throws IOException, UnreadableDataSetException {
            if (e.length() != UNDEFINED) {
                long end = e.valueStart() + e.length();
                if (end > size) {
                    throw new UnreadableDataSetException("element value runs past the end of the data set", null);
                }
                return end;
            }
            // undefined length: a sequence, encapsulated pixel data, or UN holding an implicit VR little endian sequence
            boolean nestedExplicit = explicit && !"UN".equals(e.vr());
            ByteOrder nestedOrder = "UN".equals(e.vr()) ? ByteOrder.LITTLE_ENDIAN : order;
            long position = e.valueStart();
            while (true) {
                Element item = element(position, nestedExplicit, nestedOrder);
                if (item.tag() == SEQUENCE_DELIMITER) {
                    return item.valueStart();
                }
                if (item.tag() != ITEM) {
                    throw new UnreadableDataSetException("sequence holds something other than items", null);
                }
                if (item.length() != UNDEFINED) {
                    position = item.valueStart() + item.length();
                    continue;
                }
                position = item.valueStart();
                while (true) {
                    Element nested = element(position, nestedExplicit, nestedOrder);
                    if (nested.tag() == ITEM_DELIMITER) {
                        position = nested.valueStart();
                        break;
                    }
                    position = skipValue(nested, nestedExplicit, nestedOrder);
                }
            }
        }

        private byte[] bytes(long position, int length) throws IOException, UnreadableDataSetException {
            ByteBuffer buffer = read(position, length);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }

        private ByteBuffer read(long position, int length) throws IOException, UnreadableDataSetException {
            if (position + length > size || length < 0) {
                throw new UnreadableDataSetException("data set is truncated", null);
            }
            ByteBuffer buffer = length <= header.capacity() ? header.clear().limit(length) : ByteBuffer.allocate(length);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new UnreadableDataSetException("data set is truncated", null);
                }
            }
            return buffer.flip();
        }
    }
}
