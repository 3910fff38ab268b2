package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One C-STORE sent by hand with {@link RawScu} on presentation context 1: the command, then the data set in PDUs of
 * at most 16 KiB (below any maximum the gateway offers), then the response's status and Error Comment.
 */
public final class StoreCall {
    private static final int FRAGMENT = 16 * 1024 - 6;

    /** The answer to one C-STORE. */
    public record Answer(int status, String errorComment) {
        public boolean success() {
            return status == 0x0000;
        }
    }

    private StoreCall() {
    }

    /** Associates with one context for CT Image Storage in {@code transferSyntax}; the caller closes it. */
    public static RawScu associate(int port, String transferSyntax) throws IOException {
        return associate(port, RawScu.CT_IMAGE_STORAGE, transferSyntax);
    }

    /** Associates with one context (id 1) for {@code sopClassUid} in {@code transferSyntax}; the caller closes it. */
    public static RawScu associate(int port, String sopClassUid, String transferSyntax) throws IOException {
        RawScu scu = RawScu.connect(port);
        scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "STORECALL", sopClassUid, transferSyntax));
        RawScu.Pdu answer = scu.read();
        if (answer.type() != 0x02) {
            scu.close();
            throw new IOException("association not accepted: PDU type " + answer.type());
        }
        return scu;
    }

    /** Sends one C-STORE of a CT {@code dataSet} and reads its response. */
    public static Answer store(RawScu scu, int messageId, String sopInstanceUid, byte[] dataSet) throws IOException {
        return store(scu, messageId, RawScu.CT_IMAGE_STORAGE, sopInstanceUid, dataSet);
    }

    /** Sends one C-STORE of {@code dataSet} and reads its response. */
    public static Answer store(RawScu scu, int messageId, String sopClassUid, String sopInstanceUid, byte[] dataSet)
            throws IOException {
        scu.send(RawScu.pData(true, true, RawScu.storeCommand(messageId, sopClassUid, sopInstanceUid)));
        int offset = 0;
        do {
            int end = Math.min(dataSet.length, offset + FRAGMENT);
            scu.send(RawScu.pData(false, end == dataSet.length, Arrays.copyOfRange(dataSet, offset, end)));
            offset = end;
        } while (offset < dataSet.length);
        RawScu.Pdu response = scu.read();
        if (response.type() != 0x04) {
            throw new IOException("expected a C-STORE-RSP, received PDU type " + response.type());
        }
        byte[] command = RawScu.pdvData(response.body());
        return new Answer(RawScu.status(command), errorComment(command));
    }

    /** Releases the association (A-RELEASE-RQ, waits for the A-RELEASE-RP) and closes it. */
    public static void release(RawScu scu) throws IOException {
        try (scu) {
            scu.send(RawScu.releaseRequest());
            RawScu.Pdu answer = scu.read();
            if (answer.type() != 0x06) {
                throw new IOException("expected an A-RELEASE-RP, received PDU type " + answer.type());
            }
        }
    }

    /** (0000,0902) Error Comment of a response command set (implicit VR little endian), or "". */
    static String errorComment(byte[] command) {
        int offset = 0;
        while (offset + 8 <= command.length) {
            int element = (command[offset + 2] & 0xFF) | (command[offset + 3] & 0xFF) << 8;
            int length = (command[offset + 4] & 0xFF) | (command[offset + 5] & 0xFF) << 8
                    | (command[offset + 6] & 0xFF) << 16 | (command[offset + 7] & 0xFF) << 24;
            if (element == 0x0902) {
                return new String(command, offset + 8, length, StandardCharsets.US_ASCII).trim();
            }
            offset += 8 + length;
        }
        return "";
    }
}
