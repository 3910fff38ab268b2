package dev.dicomgateway.receive.pdu;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The A-ASSOCIATE-RQ the gateway sends to deliver a Storage Commitment report on an association it initiates (PS3.4
 * J.3.3): one presentation context (ID 1) for the Push Model SOP Class in explicit and implicit VR little endian, and
 * an SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4) asking for the SCP role only, because the initiator of this
 * association sends the N-EVENT-REPORT. {@link #acceptedTransferSyntax} reads the answer.
 */
public final class ReportAssociateRequest {
    public static final int CONTEXT_ID = 1;

    private ReportAssociateRequest() {
    }

    public static byte[] encode(String callingAeTitle, String calledAeTitle, int ourMaxPduLength) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(512);
        body.write(0x00);
        body.write(0x01);
        body.write(0);
        body.write(0);
        body.writeBytes(aeField(calledAeTitle));
        body.writeBytes(aeField(callingAeTitle));
        body.writeBytes(new byte[32]);
        item(body, 0x10, ascii(AssociateRequest.DICOM_APPLICATION_CONTEXT));
        ByteArrayOutputStream context = new ByteArrayOutputStream(128);
        context.write(CONTEXT_ID);
        context.write(0);
        context.write(0);
        context.write(0);
        item(context, 0x30, ascii(Uids.STORAGE_COMMITMENT_PUSH_MODEL));
        item(context, 0x40, ascii(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        item(context, 0x40, ascii(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        item(body, 0x20, context.toByteArray());
        ByteArrayOutputStream user = new ByteArrayOutputStream(128);
        item(user, 0x51, new byte[] {(byte) (ourMaxPduLength >>> 24), (byte) (ourMaxPduLength >>> 16),
                (byte) (ourMaxPduLength >>> 8), (byte) ourMaxPduLength});
        item(user, 0x52, ascii(FileMetaInformation.IMPLEMENTATION_CLASS_UID));
        byte[] sopClass = ascii(Uids.STORAGE_COMMITMENT_PUSH_MODEL);
        ByteArrayOutputStream role = new ByteArrayOutputStream(64);
        role.write(sopClass.length >>> 8);
        role.write(sopClass.length & 0xFF);
        role.writeBytes(sopClass);
        role.write(0); // SCU role: not proposed
        role.write(1); // SCP role: proposed
        item(user, 0x54, role.toByteArray());
        item(user, 0x55, ascii(FileMetaInformation.IMPLEMENTATION_VERSION_NAME));
        item(body, 0x50, user.toByteArray());
        return PDataWriter.pdu(PduType.ASSOCIATE_RQ, body.toByteArray());
    }

    /**
     * The transfer syntax the A-ASSOCIATE-AC body accepted for context 1, and the peer's maximum PDU length; empty when
     * it rejected the context.
     */
    public static Optional<Accepted> acceptedTransferSyntax(byte[] body) throws PduFormatException {
        if (body.length < 68) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "A-ASSOCIATE-AC too short");
        }
        ByteBuffer buffer = ByteBuffer.wrap(body);
        buffer.position(68);
        String transferSyntax = null;
        long maxLength = 0;
        while (buffer.remaining() >= 4) {
            int type = buffer.get() & 0xFF;
            buffer.get();
            int length = buffer.getShort() & 0xFFFF;
            if (length > buffer.remaining()) {
                throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "A-ASSOCIATE-AC item overruns");
            }
            ByteBuffer value = buffer.slice();
            value.limit(length);
            buffer.position(buffer.position() + length);
            if (type == 0x21 && length >= 4 && (value.get(0) & 0xFF) == CONTEXT_ID && value.get(2) == 0) {
                value.position(4);
                while (value.remaining() >= 4) {
                    int subType = value.get() & 0xFF;
                    value.get();
                    int subLength = value.getShort() & 0xFFFF;
                    if (subLength > value.remaining()) {
                        break;
                    }
                    byte[] text = new byte[subLength];
                    value.get(text);
                    if (subType == 0x40) {
                        transferSyntax = Uids.trimPadding(new String(text, StandardCharsets.US_ASCII));
                    }
                }
            } else if (type == 0x50) {
                while (value.remaining() >= 4) {
                    int subType = value.get() & 0xFF;
                    value.get();
                    int subLength = value.getShort() & 0xFFFF;
                    if (subLength > value.remaining()) {
                        break;
                    }
                    if (subType == 0x51 && subLength == 4) {
                        maxLength = value.getInt() & 0xFFFFFFFFL;
                    } else {
                        value.position(value.position() + subLength);
                    }
                }
            }
        }
        return transferSyntax == null ? Optional.empty() : Optional.of(new Accepted(transferSyntax, maxLength));
    }

    /** What the acceptor agreed to. */
    public record Accepted(String transferSyntax, long peerMaxPduLength) {
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >>> 8);
        out.write(value.length & 0xFF);
        out.writeBytes(value);
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] aeField(String title) {
        byte[] field = "                ".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = title.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(raw, 0, field, 0, Math.min(16, raw.length));
        return field;
    }
}
