package dev.dicomgateway.receive.dimse;

import dev.dicomgateway.dicom.Uids;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A DIMSE command set: group 0000 elements in implicit VR little endian, parsed from or encoded to bytes. */
public final class CommandSet {
    public static final int AFFECTED_SOP_CLASS_UID = 0x00000002;
    public static final int REQUESTED_SOP_CLASS_UID = 0x00000003;
    public static final int COMMAND_FIELD = 0x00000100;
    public static final int MESSAGE_ID = 0x00000110;
    public static final int MESSAGE_ID_BEING_RESPONDED_TO = 0x00000120;
    public static final int COMMAND_DATA_SET_TYPE = 0x00000800;
    public static final int STATUS = 0x00000900;
    public static final int ERROR_COMMENT = 0x00000902;
    public static final int AFFECTED_SOP_INSTANCE_UID = 0x00001000;
    public static final int REQUESTED_SOP_INSTANCE_UID = 0x00001001;
    public static final int EVENT_TYPE_ID = 0x00001002;
    public static final int ACTION_TYPE_ID = 0x00001008;
    private static final int GROUP_LENGTH = 0x00000000;
    private static final int ERROR_COMMENT_MAX = 64;

    private final TreeMap<Integer, byte[]> elements;

    private CommandSet(TreeMap<Integer, byte[]> elements) {
        this.elements = elements;
    }

    public static CommandSet empty() {
        return new CommandSet(new TreeMap<>(Integer::compareUnsigned));
    }

    /** Parses an implicit VR little endian command set. */
    public static CommandSet parse(byte[] bytes) throws MalformedCommandException {
        TreeMap<Integer, byte[]> elements = new TreeMap<>(Integer::compareUnsigned);
        int offset = 0;
        while (offset < bytes.length) {
            if (bytes.length - offset < 8) {
                throw new MalformedCommandException("command set ends inside an element header");
            }
            int group = u16(bytes, offset);
            int element = u16(bytes, offset + 2);
            long length = u32(bytes, offset + 4);
            offset += 8;
            if (length > bytes.length - offset) {
                throw new MalformedCommandException("command element length " + length + " runs past the command set");
            }
            if (group != 0) {
                throw new MalformedCommandException("command set holds an element outside group 0000");
            }
            byte[] value = new byte[(int) length];
            System.arraycopy(bytes, offset, value, 0, value.length);
            elements.put(element, value);
            offset += value.length;
        }
        return new CommandSet(elements);
    }

    /** A US value, or -1 when absent or malformed. */
    public int us(int tag) {
        byte[] value = elements.get(tag);
        return value == null || value.length < 2 ? -1 : u16(value, 0);
    }

    /** A UI value without padding, or "" when absent. */
    public String uid(int tag) {
        byte[] value = elements.get(tag);
        return value == null ? "" : Uids.trimPadding(new String(value, StandardCharsets.US_ASCII));
    }

    public CommandSet putUs(int tag, int value) {
        elements.put(tag, new byte[] {(byte) value, (byte) (value >>> 8)});
        return this;
    }

    public CommandSet putUid(int tag, String value) {
        elements.put(tag, padded(value.getBytes(StandardCharsets.US_ASCII), (byte) 0));
        return this;
    }

    /** An LO text value, cut to 64 characters and limited to printable ASCII. */
    public CommandSet putText(int tag, String value) {
        String safe = value.replaceAll("[^\\x20-\\x7E]", "?");
        if (safe.length() > ERROR_COMMENT_MAX) {
            safe = safe.substring(0, ERROR_COMMENT_MAX);
        }
        elements.put(tag, padded(safe.getBytes(StandardCharsets.US_ASCII), (byte) ' '));
        return this;
    }

    /** The command set's bytes, led by its group length. */
    public byte[] encode() {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        for (Map.Entry<Integer, byte[]> entry : elements.entrySet()) {
            if (entry.getKey() != GROUP_LENGTH) {
                element(body, entry.getKey(), entry.getValue());
            }
        }
        byte[] rest = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(rest.length + 12);
        int length = rest.length;
        element(out, GROUP_LENGTH, new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
        out.writeBytes(rest);
        return out.toByteArray();
    }

    private static void element(ByteArrayOutputStream out, int tag, byte[] value) {
        out.write(0);
        out.write(0);
        out.write(tag & 0xFF);
        out.write((tag >>> 8) & 0xFF);
        int length = value.length;
        out.write(length);
        out.write(length >>> 8);
        out.write(length >>> 16);
        out.write(length >>> 24);
        out.writeBytes(value);
    }

    private static byte[] padded(byte[] raw, byte pad) {
        if (raw.length % 2 == 0) {
            return raw;
        }
        byte[] even = new byte[raw.length + 1];
        System.arraycopy(raw, 0, even, 0, raw.length);
        even[raw.length] = pad;
        return even;
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16 | (b[offset + 3] & 0xFFL) << 24;
    }
}
