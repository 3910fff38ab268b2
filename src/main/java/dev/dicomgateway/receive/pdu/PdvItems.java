package dev.dicomgateway.receive.pdu;

/**
 * The presentation data value items of one P-DATA-TF body (PS3.8 9.3.5.1: 4-byte big-endian item length, presentation
 * context ID, message control header, fragment), taken one at a time: each item is checked when {@link #next} reaches
 * it, so the items before a malformed one are acted on in the order they were received.
 */
public final class PdvItems {
    private static final int ITEM_HEADER = 6;

    private final byte[] body;
    private final int length;
    private int nextOffset;
    private int contextId;
    private int messageControlHeader;
    private int fragmentOffset;
    private int fragmentLength;

    /** The items in the first {@code length} bytes of {@code body}. */
    public PdvItems(byte[] body, int length) {
        this.body = body;
        this.length = length;
    }

    /** Moves to the next item; false after the last. Throws when the item's header or length does not fit the body. */
    public boolean next() throws PduFormatException {
        int offset = nextOffset;
        if (offset >= length) {
            return false;
        }
        if (length - offset < ITEM_HEADER) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "truncated PDV item");
        }
        long itemLength = ((body[offset] & 0xFFL) << 24) | ((body[offset + 1] & 0xFF) << 16)
                | ((body[offset + 2] & 0xFF) << 8) | (body[offset + 3] & 0xFF);
        if (itemLength < 2 || itemLength > length - offset - 4) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "PDV item length " + itemLength + " does not fit its PDU");
        }
        contextId = body[offset + 4] & 0xFF;
        messageControlHeader = body[offset + 5] & 0xFF;
        fragmentOffset = offset + ITEM_HEADER;
        fragmentLength = (int) itemLength - 2;
        nextOffset = fragmentOffset + fragmentLength;
        return true;
    }

    public int contextId() {
        return contextId;
    }

    /** Bit 0 of the message control header: a command fragment (else a data set fragment). */
    public boolean command() {
        return (messageControlHeader & 0x01) != 0;
    }

    /** Bit 1 of the message control header: the last fragment of its command or data set. */
    public boolean last() {
        return (messageControlHeader & 0x02) != 0;
    }

    /** Where the current item's fragment starts in the body. */
    public int fragmentOffset() {
        return fragmentOffset;
    }

    public int fragmentLength() {
        return fragmentLength;
    }
}
