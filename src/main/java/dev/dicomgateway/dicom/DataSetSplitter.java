package dev.dicomgateway.dicom;

import java.io.IOException;
import java.io.InputStream;

/**
 * The one-pass form of {@link DataSetLayout#read}: walks a data set as it arrives (never a file, never twice) with
 * the same bounded {@link DataSetReader}, holds the attributes before the pixel data in memory (they are at most
 * {@link DataSetLimits#maxHeaderBytes()}), hands them to a {@link Handler} as soon as the walk reaches the pixel data,
 * and from then on passes the pixel data's bytes straight to the {@link Bulk} the handler returned — while the reader
 * goes on checking them. What follows the pixel data is dropped, as the file path drops it. Anything the reader cannot
 * account for is an {@link UnreadableDataSetException}; the data set's stream is then not read to its end.
 * Deflated data sets cannot be split without inflating them: callers take the file path for those.
 */
public final class DataSetSplitter {
    /** Bytes read ahead of the walk that the header buffer holds beyond maxHeaderBytes (the reader's buffer). */
    private static final int READ_AHEAD = 128 << 10;

    /** Receives the attributes before the pixel data. */
    public interface Handler {
        /**
         * {@code header[0, length)} are the data set's bytes before its first top-level element at or after
         * (7FE0,0000) (the whole data set when it has none), {@code structure} their {@link StructureFingerprint};
         * returns where the pixel data's bytes go.
         */
        Bulk header(byte[] header, int length, long structure) throws IOException, UnreadableDataSetException;
    }

    /** Where the top-level pixel data elements' bytes go, in order, as they arrive. */
    public interface Bulk {
        void write(byte[] bytes, int offset, int length) throws IOException;

        /**
         * The walk found an element after the pixel data: the bytes written since the pixel data's first byte
         * beyond {@code bulkLength} were not pixel data (the reader had read them ahead) and must be cut.
         */
        void truncate(long bulkLength) throws IOException;
    }

    /**
     * Where the parts lay, as offsets from the data set's first byte (see {@link DataSetLayout}), and the tag of the
     * first pixel data element (0 when there is none).
     */
    public record Split(long headerEnd, long bulkStart, long bulkEnd, long length, int firstBulkTag) {
        public long bulkLength() {
            return bulkEnd - bulkStart;
        }
    }

    private DataSetSplitter() {
    }

    /** Walks {@code dataSet} (encoded in {@code transferSyntaxUid}, not deflated) to its end. */
    public static Split split(InputStream dataSet, String transferSyntaxUid, DataSetLimits limits, Handler handler)
            throws IOException, UnreadableDataSetException {
        if (TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntaxUid)) {
            throw new IllegalArgumentException("a deflated data set is checked as a file (DataSetLayout)");
        }
        Tee tee = new Tee(dataSet, limits.maxHeaderBytes() + READ_AHEAD);
        DataSetReader reader = new DataSetReader(tee, transferSyntaxUid, -1, limits, false);
        DataSetLayout.Structure structure = new DataSetLayout.Structure();
        long headerEnd = -1;
        long bulkStart = -1;
        long bulkEnd = -1;
        int firstBulkTag = 0;
        Bulk bulk = null;
        DataSetReader.Event event;
        try {
            while ((event = reader.next()) != DataSetReader.Event.END) {
                structure.add(reader, event);
                if (event != DataSetReader.Event.ELEMENT || reader.depth() != 0) {
                    continue;
                }
                int tag = reader.tag();
                long offset = reader.offset();
                if (headerEnd < 0 && Integer.compareUnsigned(tag, 0x7FE00000) >= 0) {
                    headerEnd = offset;
                    bulk = handler.header(tee.captured(), (int) headerEnd, structure.fingerprint.value());
                    if (Integer.compareUnsigned(tag, 0x7FE0FFFF) > 0) {
                        tee.drop(); // past group 7FE0: no pixel data can follow (tags ascend)
                    }
                }
                boolean pixel = PixelDataGroup.isPermitted(tag);
                PixelDataGroup.refuseUnknown(tag, offset);
                if (pixel && bulkStart < 0) {
                    bulkStart = offset;
                    firstBulkTag = tag;
                    tee.forwardFrom(offset, bulk);
                } else if (!pixel && bulkStart >= 0 && bulkEnd < 0) {
                    bulkEnd = offset;
                    long forwarded = tee.drop();
                    if (forwarded > bulkEnd) {
                        bulk.truncate(bulkEnd - bulkStart);
                    }
                }
            }
        } catch (Tee.HeaderTooLarge e) {
            throw new UnreadableDataSetException("attributes before the pixel data exceed dicom.maxHeaderBytes ("
                    + limits.maxHeaderBytes() + " bytes)", null);
        }
        long length = tee.position();
        if (headerEnd < 0) {
            headerEnd = length;
            handler.header(tee.captured(), (int) length, structure.fingerprint.value());
        }
        if (bulkStart < 0) {
            bulkStart = headerEnd;
            bulkEnd = headerEnd;
        } else if (bulkEnd < 0) {
            bulkEnd = length;
        }
        return new Split(headerEnd, bulkStart, bulkEnd, length, firstBulkTag);
    }

    /**
     * The reader's input: every byte it reads (or skips) is first held (the header), then passed on (the pixel data),
     * then dropped (what follows). Skipping reads, so that skipped pixel data reaches the {@link Bulk}.
     */
    private static final class Tee extends InputStream {
        /** The header outgrew its bound: thrown through the reader, which only passes IOExceptions. */
        static final class HeaderTooLarge extends IOException {
            HeaderTooLarge() {
                super("header too large");
            }
        }

        private enum Mode { HOLD, FORWARD, DROP }

        private final InputStream in;
        private final long maxHeld;
        private byte[] held = new byte[8 << 10];
        private int heldLength;
        private Mode mode = Mode.HOLD;
        private Bulk bulk;
        private long position;
        private byte[] scratch;

        Tee(InputStream in, long maxHeld) {
            this.in = in;
            this.maxHeld = Math.min(maxHeld, Integer.MAX_VALUE - 64);
        }

        byte[] captured() {
            return held;
        }

        long position() {
            return position;
        }

        /** Passes on what is held from {@code offset} and everything read from now on. */
        void forwardFrom(long offset, Bulk target) throws IOException {
            bulk = target;
            mode = Mode.FORWARD;
            if (offset < heldLength) {
                bulk.write(held, (int) offset, heldLength - (int) offset);
            }
            held = null; // the header was handed over already; its buffer is garbage from here on
        }

        /** Drops everything read from now on; returns how many bytes were read so far (the end of what was passed on). */
        long drop() {
            mode = Mode.DROP;
            held = null;
            return position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            if (n > 0) {
                accept(bytes, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long count) throws IOException {
            if (scratch == null) {
                scratch = new byte[64 << 10];
            }
            int n = read(scratch, 0, (int) Math.min(count, scratch.length));
            return Math.max(n, 0);
        }

        private void accept(byte[] bytes, int offset, int length) throws IOException {
            position += length;
            switch (mode) {
                case HOLD -> hold(bytes, offset, length);
                case FORWARD -> bulk.write(bytes, offset, length);
                case DROP -> {
                }
            }
        }

        private void hold(byte[] bytes, int offset, int length) throws IOException {
            if (heldLength + (long) length > maxHeld) {
                throw new HeaderTooLarge();
            }
            if (heldLength + length > held.length) {
                long grown = Math.max((long) held.length * 2, heldLength + (long) length);
                held = java.util.Arrays.copyOf(held, (int) Math.min(grown, Math.max(maxHeld, heldLength + length)));
            }
            System.arraycopy(bytes, offset, held, heldLength, length);
            heldLength += length;
        }
    }
}
