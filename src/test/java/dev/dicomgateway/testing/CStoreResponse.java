package dev.dicomgateway.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A C-STORE-RSP read from the bytes an SCP wrote to its socket: one P-DATA-TF PDU (type 0x04) whose command PDVs
 * carry Command Field 0x8001. Decoded here from the standard (PS3.8 9.3.5, PS3.7 9.3.1.2), independently of the
 * gateway's own codec, so a test can recognise the acknowledgement in a system-call trace.
 */
public record CStoreResponse(int messageId, int status, String sopInstanceUid) {
    private static final int P_DATA_TF = 0x04;
    private static final int C_STORE_RSP = 0x8001;

    public boolean success() {
        return status == 0x0000;
    }

    /** The response {@code bytes} hold, if they are exactly one P-DATA-TF PDU carrying a whole C-STORE-RSP. */
    public static Optional<CStoreResponse> decode(byte[] bytes) {
        if (bytes.length < 6 || (bytes[0] & 0xFF) != P_DATA_TF || 6 + bigEndian(bytes, 2) != bytes.length) {
            return Optional.empty();
        }
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        boolean last = false;
        for (int offset = 6; offset < bytes.length; ) {
            if (offset + 6 > bytes.length) {
                return Optional.empty();
            }
            long length = bigEndian(bytes, offset);
            int control = bytes[offset + 5] & 0xFF;
            if (length < 2 || offset + 4 + length > bytes.length || (control & 0x01) == 0) {
                return Optional.empty(); // not a command PDV: a data set fragment is no response
            }
            command.write(bytes, offset + 6, (int) length - 2);
            last = (control & 0x02) != 0;
            offset += 4 + (int) length;
        }
        return last ? parse(command.toByteArray()) : Optional.empty();
    }

    /** Group 0000 elements, implicit VR little endian. */
    private static Optional<CStoreResponse> parse(byte[] command) {
        Integer field = null;
        Integer status = null;
        int messageId = -1;
        String sop = null;
        for (int offset = 0; offset + 8 <= command.length; ) {
            int group = littleEndian16(command, offset);
            int element = littleEndian16(command, offset + 2);
            long length = littleEndian32(command, offset + 4);
            if (group != 0x0000 || offset + 8 + length > command.length) {
                return Optional.empty();
            }
            int value = offset + 8;
            switch (element) {
                case 0x0100 -> field = littleEndian16(command, value);
                case 0x0120 -> messageId = littleEndian16(command, value);
                case 0x0900 -> status = littleEndian16(command, value);
                case 0x1000 -> sop = new String(command, value, (int) length, StandardCharsets.US_ASCII).replace("\0", "").trim();
                default -> {
                }
            }
            offset = value + (int) length;
        }
        if (field == null || field != C_STORE_RSP || status == null || sop == null) {
            return Optional.empty();
        }
        return Optional.of(new CStoreResponse(messageId, status, sop));
    }

    private static long bigEndian(byte[] b, int offset) {
        return ((long) (b[offset] & 0xFF) << 24) | ((b[offset + 1] & 0xFF) << 16) | ((b[offset + 2] & 0xFF) << 8)
                | (b[offset + 3] & 0xFF);
    }

    private static int littleEndian16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | ((b[offset + 1] & 0xFF) << 8);
    }

    private static long littleEndian32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | ((b[offset + 1] & 0xFFL) << 8) | ((b[offset + 2] & 0xFFL) << 16)
                | ((b[offset + 3] & 0xFFL) << 24);
    }
}
