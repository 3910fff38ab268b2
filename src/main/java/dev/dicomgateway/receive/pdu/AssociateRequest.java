package dev.dicomgateway.receive.pdu;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A parsed A-ASSOCIATE-RQ (PS3.8 9.3.2). AE titles are trimmed of their space padding. */
public record AssociateRequest(int protocolVersion, String calledAeTitle, String callingAeTitle,
                               String applicationContext, List<PresentationContextProposal> presentationContexts,
                               long peerMaxPduLength, String implementationClassUid,
                               String implementationVersionName) {

    /** The only application context name of DICOM. */
    public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

    private static final int FIXED_FIELDS_LENGTH = 68;

    /** Parses the body of an A-ASSOCIATE-RQ (the bytes after the 6-byte PDU header). */
    public static AssociateRequest parse(byte[] body) throws PduFormatException {
        if (body.length < FIXED_FIELDS_LENGTH) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "A-ASSOCIATE-RQ shorter than its fixed fields (" + body.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(body);
        int version = buffer.getShort() & 0xFFFF;
        buffer.getShort();
        String called = aeTitle(body, 4);
        String calling = aeTitle(body, 20);
        buffer.position(FIXED_FIELDS_LENGTH);
        String applicationContext = null;
        List<PresentationContextProposal> contexts = new ArrayList<>();
        UserInformation user = new UserInformation(0, "", "");
        while (buffer.hasRemaining()) {
            int type = item(buffer);
            int length = buffer.getShort() & 0xFFFF;
            ByteBuffer value = slice(buffer, length);
            switch (type) {
                case 0x10 -> applicationContext = ascii(value);
                case 0x20 -> contexts.add(presentationContext(value));
                case 0x50 -> user = userInformation(value);
                default -> { } // unknown items are ignored (PS3.8 9.3.1)
            }
        }
        if (applicationContext == null) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "A-ASSOCIATE-RQ has no application context item");
        }
        return new AssociateRequest(version, called, calling, applicationContext, List.copyOf(contexts),
                user.maxLength(), user.implementationClassUid(), user.implementationVersionName());
    }

    private record UserInformation(long maxLength, String implementationClassUid, String implementationVersionName) {
    }

    private static PresentationContextProposal presentationContext(ByteBuffer value) throws PduFormatException {
        if (value.remaining() < 4) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "presentation context item too short");
        }
        int id = value.get() & 0xFF;
        value.get();
        value.get();
        value.get();
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        while (value.hasRemaining()) {
            int type = item(value);
            int length = value.getShort() & 0xFFFF;
            ByteBuffer sub = slice(value, length);
            if (type == 0x30) {
                abstractSyntax = ascii(sub);
            } else if (type == 0x40) {
                transferSyntaxes.add(ascii(sub));
            }
        }
        if (abstractSyntax == null) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "presentation context " + id + " has no abstract syntax");
        }
        return new PresentationContextProposal(id, abstractSyntax, List.copyOf(transferSyntaxes));
    }

    private static UserInformation userInformation(ByteBuffer value) throws PduFormatException {
        long maxLength = 0;
        String classUid = "";
        String versionName = "";
        while (value.hasRemaining()) {
            int type = item(value);
            int length = value.getShort() & 0xFFFF;
            ByteBuffer sub = slice(value, length);
            switch (type) {
                case 0x51 -> maxLength = sub.remaining() >= 4 ? sub.getInt() & 0xFFFFFFFFL : 0;
                case 0x52 -> classUid = ascii(sub);
                case 0x55 -> versionName = ascii(sub);
                default -> { }
            }
        }
        return new UserInformation(maxLength, classUid, versionName);
    }

    private static int item(ByteBuffer buffer) throws PduFormatException {
        if (buffer.remaining() < 4) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "truncated item header");
        }
        int type = buffer.get() & 0xFF;
        buffer.get();
        return type;
    }

    private static ByteBuffer slice(ByteBuffer buffer, int length) throws PduFormatException {
        if (length > buffer.remaining()) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "item length " + length + " exceeds the " + buffer.remaining() + " bytes left");
        }
        ByteBuffer slice = buffer.slice();
        slice.limit(length);
        buffer.position(buffer.position() + length);
        return slice;
    }

    private static String ascii(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        return dev.dicomgateway.dicom.Uids.trimPadding(new String(bytes, StandardCharsets.US_ASCII));
    }

    /** One character per byte (ISO 8859-1), so a hostile byte is kept as it was sent and can be logged exactly. */
    private static String aeTitle(byte[] body, int offset) {
        return new String(body, offset, 16, StandardCharsets.ISO_8859_1).trim();
    }
}
