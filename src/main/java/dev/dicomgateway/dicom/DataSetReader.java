package dev.dicomgateway.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.ValueRepresentation;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A pull parser over the bytes of one data set that accepts only what it can account for byte by byte. Each call
 * of {@link #next()} returns the next event — an element, an item opening or closing, a sequence closing, a
 * fragment of encapsulated pixel data, the end — and skips what the caller did not read of the one before.
 * <p>
 * It is iterative (an explicit stack, never recursion on the input's depth) and bounded: element tags ascend
 * within each data set and item; every length fits inside what encloses it and inside the input; items and
 * delimiters stand only where PS3.5 7.5 allows them; sequences nest at most {@link DataSetLimits#maxSequenceDepth()}
 * deep; the attributes outside the top-level pixel data hold at most {@link DataSetLimits#maxHeaderBytes()} bytes;
 * a text attribute holds at most {@link DataSetLimits#maxValuesPerElement()} values. Anything else is an
 * {@link UnreadableDataSetException} whose message names what is wrong, the tag and the byte offset — never a value.
 */
public final class DataSetReader {

    /** What {@link #next()} found. */
    public enum Event { ELEMENT, ITEM, ITEM_END, SEQUENCE_END, FRAGMENT, END }

    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final long NO_LIMIT = Long.MAX_VALUE;
    /** What one element or item costs against maxHeaderBytes besides its value (PixelMed's objects for it). */
    static final int ELEMENT_COST = 256;
    /** The value-splitting cost a data set may have: this many elements of maxValuesPerElement values each. */
    static final int VALUE_COST_BUDGET_ELEMENTS = 25;

    private enum Kind { DATA_SET, ITEMS, FRAGMENTS }

    /** One level of the structure being read. {@code limit} is the nearest defined end around it. */
    private static final class Frame {
        final Kind kind;
        final boolean explicit;
        final ByteOrder order;
        final long end;
        final long limit;
        final boolean topLevel;
        /** For FRAGMENTS: whether their bytes count against maxHeaderBytes. */
        final boolean counted;
        long lastTag = -1;

        Frame(Kind kind, boolean explicit, ByteOrder order, long end, long limit, boolean topLevel, boolean counted) {
            this.kind = kind;
            this.explicit = explicit;
            this.order = order;
            this.end = end;
            this.limit = limit;
            this.topLevel = topLevel;
            this.counted = counted;
        }

        boolean definedEnd() {
            return end != UNDEFINED;
        }
    }

    private final ByteSource source;
    private final DataSetLimits limits;
    private final boolean countPixelData;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private int sequenceDepth;
    private long headerBytes;
    private long valueCost;

    private Event event;
    private int eventDepth;
    private int tag;
    private String vr;
    private long length;
    private long offset;
    private long valueLeft;
    private boolean countValues;

    /**
     * @param in             the data set's bytes, from its first element
     * @param transferSyntax how it is encoded (deflated data sets are passed inflated: explicit VR little endian)
     * @param totalLength    its length when known (a file), or -1 when only the stream's end tells (an inflater)
     * @param countPixelData whether top-level pixel data counts against maxHeaderBytes (it does when the whole data
     *                       set will be parsed in memory, as deflated ones are)
     */
    public DataSetReader(InputStream in, String transferSyntax, long totalLength, DataSetLimits limits,
                         boolean countPixelData) {
        boolean explicit = !TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax);
        ByteOrder order = TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(transferSyntax) ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN;
        this.source = new ByteSource(in, order);
        this.limits = limits;
        this.countPixelData = countPixelData;
        long end = totalLength < 0 ? UNDEFINED : totalLength;
        frames.push(new Frame(Kind.DATA_SET, explicit, order, end, totalLength < 0 ? NO_LIMIT : totalLength, true, true));
    }

    /** The tag of the current element or item ((FFFE,E000) for items and fragments). */
    public int tag() {
        return tag;
    }

    /** The current element's VR (from the data set, or the dictionary in implicit VR; "UN" when unknown). */
    public String vr() {
        return vr;
    }

    /** The current element's value length ({@code 0xFFFFFFFF} for an undefined length). */
    public long length() {
        return length;
    }

    /** The offset of the current element's first byte from the start of the data set. */
    public long offset() {
        return offset;
    }

    /** The number of sequences that enclose the current event (0 for a top-level element). */
    public int depth() {
        return eventDepth;
    }

    /** Reads on to the next event. */
    public Event next() throws IOException, UnreadableDataSetException {
        try {
            finishValue();
            event = advance();
            return event;
        } catch (EOFException e) {
            throw malformed("data set truncated", -1, source.position());
        }
    }

    private void finishValue() throws IOException, UnreadableDataSetException {
        if (valueLeft == 0) {
            return;
        }
        if (countValues) {
            long values = source.skipCounting(valueLeft, (byte) '\\') + 1;
            if (values > limits.maxValuesPerElement()) {
                throw malformed("more than " + limits.maxValuesPerElement() + " values", tag, offset);
            }
            // splitting n values costs PixelMed time in n²: the data set as a whole gets a budget of that cost
            valueCost += values * values;
            if (valueCost > VALUE_COST_BUDGET_ELEMENTS * (long) limits.maxValuesPerElement() * limits.maxValuesPerElement()) {
                throw malformed("too many many-valued attributes", tag, offset);
            }
        } else {
            source.skip(valueLeft);
        }
        valueLeft = 0;
    }

    private Event advance() throws IOException, UnreadableDataSetException {
        Frame frame = frames.peek();
        source.order(frame.order);
        long position = source.position();
        if (frame.definedEnd() && position >= frame.end) {
            if (position > frame.end) {
                throw malformed("element runs past the end of its item", tag, offset);
            }
            return close(frame);
        }
        if (frame.kind == Kind.DATA_SET && frame.topLevel && !frame.definedEnd() && source.atEnd()) {
            return close(frame);
        }
        int nextTag = source.u16() << 16 | source.u16();
        offset = position;
        tag = nextTag;
        eventDepth = sequenceDepth;
        return frame.kind == Kind.DATA_SET ? element(frame) : itemOrDelimiter(frame);
    }

    private Event close(Frame frame) throws UnreadableDataSetException {
        frames.pop();
        switch (frame.kind) {
            case DATA_SET -> {
                if (frame.topLevel) {
                    frames.push(frame); // stays at END
                    return Event.END;
                }
                return Event.ITEM_END;
            }
            default -> {
                sequenceDepth--;
                return Event.SEQUENCE_END;
            }
        }
    }

    private Event element(Frame frame) throws IOException, UnreadableDataSetException {
        if (tag == ITEM_DELIMITER) {
            long delimiterLength = source.u32();
            if (frame.topLevel || frame.definedEnd() || delimiterLength != 0) {
                throw malformed("misplaced item delimiter", tag, offset);
            }
            frames.pop();
            return Event.ITEM_END;
        }
        if ((tag >>> 16) == 0xFFFE) {
            throw malformed("misplaced item or delimiter", tag, offset);
        }
        long unsignedTag = tag & 0xFFFFFFFFL;
        if (unsignedTag <= frame.lastTag) {
            throw malformed("tags out of order", tag, offset);
        }
        frame.lastTag = unsignedTag;
        if (frame.explicit) {
            vr = new String(source.bytes(2), StandardCharsets.US_ASCII);
            if (!ValueRepresentations.isKnown(vr)) {
                throw malformed("unknown VR", tag, offset);
            }
            if (ValueRepresentations.hasLongLength(vr)) {
                if (source.u16() != 0) { // PixelMed would take non-zero reserved bytes for a 16-bit length
                    throw malformed("reserved bytes not zero", tag, offset);
                }
                length = source.u32();
            } else {
                length = source.u16();
            }
        } else {
            length = source.u32();
            vr = dictionaryVr(tag);
        }
        boolean undefined = length == UNDEFINED;
        boolean pixelData = frame.topLevel && PixelDataGroup.isPermitted(tag);
        if (pixelData && frame.explicit && !PixelDataGroup.permitsVr(tag, vr, undefined)) {
            throw malformed("pixel data element with VR " + vr, tag, offset);
        }
        // what PixelMed makes of an unknown VR: the dictionary's VR when it knows the tag, else a sequence when the
        // length is undefined (PS3.5 6.2.2) — the reader must see the same structure
        String meaning = "UN".equals(vr) && frame.explicit ? dictionaryVr(tag) : vr;
        if ("UN".equals(vr) && frame.explicit && !"UN".equals(meaning) && undefined != "SQ".equals(meaning)) {
            throw malformed(undefined ? "UN of undefined length for a non-sequence" : "UN of defined length for a sequence",
                    tag, offset);
        }
        boolean sequence = "SQ".equals(vr) || ("UN".equals(vr) && undefined)
                || (undefined && !frame.explicit && tag != PIXEL_DATA);
        countElement();
        if (sequence) {
            return openSequence(frame, undefined);
        }
        if (undefined) {
            if (tag != PIXEL_DATA || !("OB".equals(vr) || "OW".equals(vr) || !frame.explicit)) {
                throw malformed("undefined length outside a sequence", tag, offset);
            }
            return openFragments(frame);
        }
        requireWithin(frame, source.position() + length);
        if (!pixelData || countPixelData) {
            countHeaderBytes(length);
        }
        valueLeft = length;
        countValues = ValueRepresentations.isMultiValuedText(meaning);
        return Event.ELEMENT;
    }

    private Event openSequence(Frame frame, boolean undefined) throws UnreadableDataSetException {
        if (sequenceDepth + 1 > limits.maxSequenceDepth()) {
            throw malformed("sequences nested deeper than " + limits.maxSequenceDepth(), tag, offset);
        }
        long end = undefined ? UNDEFINED : source.position() + length;
        if (!undefined) {
            requireWithin(frame, end);
        }
        // an undefined-length UN holds its sequence in implicit VR little endian (PS3.5 6.2.2)
        boolean unknown = "UN".equals(vr);
        boolean explicit = frame.explicit && !unknown;
        ByteOrder order = unknown ? ByteOrder.LITTLE_ENDIAN : frame.order;
        frames.push(new Frame(Kind.ITEMS, explicit, order, end, undefined ? frame.limit : end, false, false));
        sequenceDepth++;
        vr = "SQ";
        return Event.ELEMENT;
    }

    private Event openFragments(Frame frame) {
        frames.push(new Frame(Kind.FRAGMENTS, frame.explicit, frame.order, UNDEFINED, frame.limit, false,
                countPixelData || !frame.topLevel));
        sequenceDepth++;
        return Event.ELEMENT;
    }

    private Event itemOrDelimiter(Frame frame) throws IOException, UnreadableDataSetException {
        length = source.u32();
        vr = null;
        if (tag == SEQUENCE_DELIMITER) {
            if (frame.definedEnd() || length != 0) {
                throw malformed("misplaced sequence delimiter", tag, offset);
            }
            frames.pop();
            sequenceDepth--;
            return Event.SEQUENCE_END;
        }
        if (tag != ITEM) {
            throw malformed("sequence holds something other than items", tag, offset);
        }
        if (frame.kind == Kind.FRAGMENTS) {
            if (length == UNDEFINED) {
                throw malformed("pixel data fragment of undefined length", tag, offset);
            }
            requireWithin(frame, source.position() + length);
            if (frame.counted) {
                countElement();
                countHeaderBytes(length);
            }
            valueLeft = length;
            countValues = false;
            return Event.FRAGMENT;
        }
        long end = length == UNDEFINED ? UNDEFINED : source.position() + length;
        if (length != UNDEFINED) {
            requireWithin(frame, end);
        }
        countElement();
        frames.push(new Frame(Kind.DATA_SET, frame.explicit, frame.order, end,
                end == UNDEFINED ? frame.limit : end, false, false));
        return Event.ITEM;
    }

    /** Each element, item and delimiter costs the parser an object, whatever its value: counted as bytes. */
    private void countElement() throws UnreadableDataSetException {
        countHeaderBytes(ELEMENT_COST);
    }

    private void requireWithin(Frame frame, long end) throws UnreadableDataSetException {
        if (end > frame.limit) {
            throw malformed("length runs past the end of the data", tag, offset);
        }
    }

    private void countHeaderBytes(long bytes) throws UnreadableDataSetException {
        headerBytes += bytes;
        if (headerBytes > limits.maxHeaderBytes()) {
            throw malformed("attributes exceed " + (limits.maxHeaderBytes() >> 10) + " KiB", tag, offset);
        }
    }

    private static String dictionaryVr(int tag) {
        if ((tag >>> 16) % 2 == 1) {
            return "UN";
        }
        byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(new AttributeTag(tag >>> 16, tag & 0xFFFF));
        if (vr == null) {
            return "UN";
        }
        return ValueRepresentation.isSequenceVR(vr) ? "SQ" : new String(vr, StandardCharsets.US_ASCII);
    }

    private static UnreadableDataSetException malformed(String what, int tag, long offset) {
        String where = tag == -1 ? "" : String.format(" (%04X,%04X)", tag >>> 16, tag & 0xFFFF);
        return new UnreadableDataSetException(what + where + " at byte " + offset, null);
    }
}
