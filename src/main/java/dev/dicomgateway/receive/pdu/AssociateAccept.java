package dev.dicomgateway.receive.pdu;

import dev.dicomgateway.dicom.FileMetaInformation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes the A-ASSOCIATE-AC (PS3.8 9.3.3) answering a request with the negotiated presentation contexts. */
public final class AssociateAccept {
    private AssociateAccept() {
    }

    public static byte[] encode(AssociateRequest request, List<PresentationContextAnswer> answers, int ourMaxPduLength) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(512);
        body.write(0x00);
        body.write(0x01); // protocol version 1
        body.write(0);
        body.write(0);
        body.writeBytes(aeField(request.calledAeTitle()));
        body.writeBytes(aeField(request.callingAeTitle()));
        body.writeBytes(new byte[32]);
        item(body, 0x10, ascii(AssociateRequest.DICOM_APPLICATION_CONTEXT));
        for (PresentationContextAnswer answer : answers) {
            ByteArrayOutputStream context = new ByteArrayOutputStream(80);
            context.write(answer.id());
            context.write(0);
            context.write(answer.result());
            context.write(0);
            if (answer.accepted()) {
                item(context, 0x40, ascii(answer.transferSyntax()));
            }
            item(body, 0x21, context.toByteArray());
        }
        ByteArrayOutputStream user = new ByteArrayOutputStream(64);
        item(user, 0x51, new byte[] {(byte) (ourMaxPduLength >>> 24), (byte) (ourMaxPduLength >>> 16),
                (byte) (ourMaxPduLength >>> 8), (byte) ourMaxPduLength});
        item(user, 0x52, ascii(FileMetaInformation.IMPLEMENTATION_CLASS_UID));
        item(user, 0x55, ascii(FileMetaInformation.IMPLEMENTATION_VERSION_NAME));
        item(body, 0x50, user.toByteArray());
        return PDataWriter.pdu(PduType.ASSOCIATE_AC, body.toByteArray());
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
        byte[] raw = title.getBytes(StandardCharsets.ISO_8859_1); // the bytes of the request, echoed
        System.arraycopy(raw, 0, field, 0, Math.min(16, raw.length));
        return field;
    }
}
