package dev.dicomgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately minimal SCU that writes PDUs byte by byte from PS3.8 — written separately from the gateway's own
 * PDU code — so tests can do what well-behaved tools never do: stop mid-transfer, send garbage, hold associations.
 */
public final class RawScu implements Closeable {
    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    /** A PDU as read: its type and body. */
    public record Pdu(int type, byte[] body) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawScu(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(20_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawScu connect(int port) throws IOException {
        return new RawScu(new Socket("127.0.0.1", port));
    }

    /** Connects and negotiates one presentation context (id 1) for CT Image Storage, explicit VR LE; returns the answer PDU. */
    public static RawScu associated(int port, String calledAe, String callingAe) throws IOException {
        RawScu scu = connect(port);
        scu.send(associateRequest(calledAe, callingAe, CT_IMAGE_STORAGE, EXPLICIT_LE));
        Pdu answer = scu.read();
        if (answer.type() != 0x02) {
            scu.close();
            throw new IOException("association not accepted: PDU type " + answer.type());
        }
        return scu;
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Pdu read() throws IOException {
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return new Pdu(type, body);
    }

    /** Reads until the peer closes; true if it did within the socket timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read(new byte[4096]) < 0 || in.read(new byte[4096]) < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public void setTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Resets the connection (RST), as a crashing sender would. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** A proposed presentation context: its ID (PS3.8 wants odd, 1..255, unique), abstract and transfer syntax. */
    public record Context(int id, String abstractSyntax, String transferSyntax) {
    }

    /** One presentation context item of an A-ASSOCIATE-AC: its ID and result (0 acceptance … 4). */
    public record ContextResult(int id, int result) {
    }

    public static byte[] associateRequest(String calledAe, String callingAe, String abstractSyntax, String transferSyntax) {
        return associateRequest(calledAe, callingAe, java.util.List.of(new Context(1, abstractSyntax, transferSyntax)));
    }

    /** The presentation context items of an A-ASSOCIATE-AC body, in order. */
    public static java.util.List<ContextResult> contextResults(byte[] acceptBody) {
        java.util.List<ContextResult> results = new java.util.ArrayList<>();
        int offset = 68;
        while (offset + 4 <= acceptBody.length) {
            int type = acceptBody[offset] & 0xFF;
            int length = (acceptBody[offset + 2] & 0xFF) << 8 | (acceptBody[offset + 3] & 0xFF);
            if (type == 0x21) {
                results.add(new ContextResult(acceptBody[offset + 4] & 0xFF, acceptBody[offset + 6] & 0xFF));
            }
            offset += 4 + length;
        }
        return results;
    }

    public static byte[] associateRequest(String calledAe, String callingAe, java.util.List<Context> contexts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(1);
        body.write(0);
        body.write(0);
        body.writeBytes(ae(calledAe));
        body.writeBytes(ae(callingAe));
        body.writeBytes(new byte[32]);
        item(body, 0x10, ascii("1.2.840.10008.3.1.1.1"));
        for (Context proposed : contexts) {
            ByteArrayOutputStream context = new ByteArrayOutputStream();
            context.writeBytes(new byte[] {(byte) proposed.id(), 0, 0, 0});
            item(context, 0x30, ascii(proposed.abstractSyntax()));
            item(context, 0x40, ascii(proposed.transferSyntax()));
            item(body, 0x20, context.toByteArray());
        }
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, new byte[] {0, 0, (byte) 0x40, 0});
        item(user, 0x52, ascii("1.2.3.4"));
        item(body, 0x50, user.toByteArray());
        return pdu(0x01, body.toByteArray());
    }

    /** A P-DATA-TF with one PDV on context 1. */
    public static byte[] pData(boolean command, boolean last, byte[] data) {
        return pData(1, command, last, data);
    }

    /** A P-DATA-TF with one PDV on presentation context {@code contextId}. */
    public static byte[] pData(int contextId, boolean command, boolean last, byte[] data) {
        byte[] body = new byte[6 + data.length];
        int itemLength = data.length + 2;
        body[0] = (byte) (itemLength >>> 24);
        body[1] = (byte) (itemLength >>> 16);
        body[2] = (byte) (itemLength >>> 8);
        body[3] = (byte) itemLength;
        body[4] = (byte) contextId;
        body[5] = (byte) ((command ? 1 : 0) | (last ? 2 : 0));
        System.arraycopy(data, 0, body, 6, data.length);
        return pdu(0x04, body);
    }

    /** A data set as P-DATA-TF PDUs on context 1 that keep to the gateway's default maximum PDU length (64 KiB). */
    public static byte[] dataSetPdus(byte[] dataSet) {
        int fragment = 32 * 1024;
        ByteArrayOutputStream pdus = new ByteArrayOutputStream(dataSet.length + dataSet.length / fragment * 12 + 12);
        for (int offset = 0; offset < dataSet.length; offset += fragment) {
            int end = Math.min(dataSet.length, offset + fragment);
            pdus.writeBytes(pData(false, end == dataSet.length, java.util.Arrays.copyOfRange(dataSet, offset, end)));
        }
        return pdus.toByteArray();
    }

    public static byte[] abortPdu() {
        return new byte[] {7, 0, 0, 0, 0, 4, 0, 0, 0, 0};
    }

    public static byte[] releaseRequest() {
        return new byte[] {5, 0, 0, 0, 0, 4, 0, 0, 0, 0};
    }

    /** A C-STORE-RQ command set in implicit VR little endian. */
    public static byte[] storeCommand(int messageId, String sopClassUid, String sopInstanceUid) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        implicit(rest, 0x0000, 0x0002, uid(sopClassUid));
        implicit(rest, 0x0000, 0x0100, us(0x0001));
        implicit(rest, 0x0000, 0x0110, us(messageId));
        implicit(rest, 0x0000, 0x0700, us(0));
        implicit(rest, 0x0000, 0x0800, us(0x0000));
        implicit(rest, 0x0000, 0x1000, uid(sopInstanceUid));
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        int length = rest.size();
        implicit(command, 0x0000, 0x0000, new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
        command.writeBytes(rest.toByteArray());
        return command.toByteArray();
    }

    /** The (0000,0900) Status of a response command set, or -1. */
    public static int status(byte[] command) {
        return (int) commandElement(command, 0x0900, true);
    }

    /** The (0000,0110) Message ID of a request command set, or -1. */
    public static int messageId(byte[] command) {
        return (int) commandElement(command, 0x0110, true);
    }

    /** The (0000,1002) Event Type ID of an N-EVENT-REPORT-RQ command set, or -1. */
    public static int eventType(byte[] command) {
        return (int) commandElement(command, 0x1002, true);
    }

    /** The presentation context ID of the first PDV in a P-DATA-TF body. */
    public static int pdvContext(byte[] pDataBody) {
        return pDataBody[4] & 0xFF;
    }

    /** The (0000,0100) Command Field of a command set, or -1. */
    public static int commandField(byte[] command) {
        return (int) commandElement(command, 0x0100, true);
    }

    /** The (0000,0902) Error Comment of a response command set, trimmed, or null. */
    public static String errorComment(byte[] command) {
        byte[] value = commandValue(command, 0x0902);
        return value == null ? null : new String(value, StandardCharsets.US_ASCII).trim();
    }

    private static long commandElement(byte[] command, int element, boolean unsigned16) {
        byte[] value = commandValue(command, element);
        return value == null ? -1 : (value[0] & 0xFF) | (value[1] & 0xFF) << 8;
    }

    private static byte[] commandValue(byte[] command, int element) {
        int offset = 0;
        while (offset + 8 <= command.length) {
            int el = (command[offset + 2] & 0xFF) | (command[offset + 3] & 0xFF) << 8;
            int length = (command[offset + 4] & 0xFF) | (command[offset + 5] & 0xFF) << 8
                    | (command[offset + 6] & 0xFF) << 16 | (command[offset + 7] & 0xFF) << 24;
            if (el == element) {
                return java.util.Arrays.copyOfRange(command, offset + 8, offset + 8 + length);
            }
            offset += 8 + length;
        }
        return null;
    }

    /** The command bytes carried in a P-DATA-TF body (a single, last PDV is all the gateway sends). */
    public static byte[] pdvData(byte[] pDataBody) {
        int itemLength = (pDataBody[0] & 0xFF) << 24 | (pDataBody[1] & 0xFF) << 16 | (pDataBody[2] & 0xFF) << 8 | (pDataBody[3] & 0xFF);
        byte[] data = new byte[itemLength - 2];
        System.arraycopy(pDataBody, 6, data, 0, data.length);
        return data;
    }

    private static void implicit(ByteArrayOutputStream out, int group, int element, byte[] value) {
        out.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8)});
        int length = value.length;
        out.writeBytes(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
        out.writeBytes(value);
    }

    private static byte[] us(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8)};
    }

    private static byte[] uid(String value) {
        byte[] raw = ascii(value);
        if (raw.length % 2 == 0) {
            return raw;
        }
        byte[] padded = new byte[raw.length + 1];
        System.arraycopy(raw, 0, padded, 0, raw.length);
        return padded;
    }

    private static byte[] ae(String title) {
        byte[] field = ascii("                ");
        byte[] raw = ascii(title);
        System.arraycopy(raw, 0, field, 0, Math.min(16, raw.length));
        return field;
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >>> 8);
        out.write(value.length & 0xFF);
        out.writeBytes(value);
    }

    private static byte[] pdu(int type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        out.write(0);
        int length = body.length;
        out.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
