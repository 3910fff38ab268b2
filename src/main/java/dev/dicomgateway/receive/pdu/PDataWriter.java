package dev.dicomgateway.receive.pdu;

import java.io.ByteArrayOutputStream;

/** Encodes P-DATA-TF PDUs carrying a DIMSE message, fragmented to the peer's maximum PDU length. */
public final class PDataWriter {
    private static final int PDU_HEADER = 6;
    private static final int PDV_HEADER = 6;
    private static final int MIN_FRAGMENT = 32;

    private PDataWriter() {
    }

    /**
     * The PDUs that carry {@code message} as command ({@code command=true}) or data fragments on context
     * {@code contextId}. {@code peerMaxPduLength} 0 means unlimited.
     */
    public static byte[] encode(int contextId, boolean command, byte[] message, long peerMaxPduLength) {
        long capacity = peerMaxPduLength == 0 ? Integer.MAX_VALUE : peerMaxPduLength - PDV_HEADER;
        int fragment = (int) Math.max(MIN_FRAGMENT, Math.min(capacity, Integer.MAX_VALUE - 64));
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 32);
        int offset = 0;
        do {
            int length = Math.min(fragment, message.length - offset);
            boolean last = offset + length == message.length;
            byte[] body = new byte[PDV_HEADER + length];
            int itemLength = length + 2;
            body[0] = (byte) (itemLength >>> 24);
            body[1] = (byte) (itemLength >>> 16);
            body[2] = (byte) (itemLength >>> 8);
            body[3] = (byte) itemLength;
            body[4] = (byte) contextId;
            body[5] = (byte) ((command ? 0x01 : 0x00) | (last ? 0x02 : 0x00));
            System.arraycopy(message, offset, body, PDV_HEADER, length);
            out.writeBytes(pdu(PduType.P_DATA_TF, body));
            offset += length;
        } while (offset < message.length);
        return out.toByteArray();
    }

    static byte[] pdu(int type, byte[] body) {
        byte[] pdu = new byte[PDU_HEADER + body.length];
        pdu[0] = (byte) type;
        pdu[2] = (byte) (body.length >>> 24);
        pdu[3] = (byte) (body.length >>> 16);
        pdu[4] = (byte) (body.length >>> 8);
        pdu[5] = (byte) body.length;
        System.arraycopy(body, 0, pdu, PDU_HEADER, body.length);
        return pdu;
    }
}
