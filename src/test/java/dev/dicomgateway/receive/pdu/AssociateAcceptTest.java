package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.receive.pdu.AssociateRequestTest.APPLICATION_CONTEXT;
import static dev.dicomgateway.receive.pdu.AssociateRequestTest.CT;
import static dev.dicomgateway.receive.pdu.AssociateRequestTest.EXPLICIT_LE;
import static dev.dicomgateway.receive.pdu.AssociateRequestTest.IMPLICIT_LE;
import static dev.dicomgateway.receive.pdu.AssociateRequestTest.MR;
import static dev.dicomgateway.testing.WireBytes.aeField;
import static dev.dicomgateway.testing.WireBytes.ascii;
import static dev.dicomgateway.testing.WireBytes.be32;
import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.item;
import static dev.dicomgateway.testing.WireBytes.pdu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.dicom.FileMetaInformation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The A-ASSOCIATE-AC (PS3.8 9.3.3) against its layout written by hand. */
class AssociateAcceptTest {
    private static final byte[] OUR_USER_INFORMATION = item(0x50, item(0x51, be32(65536)),
            item(0x52, ascii(FileMetaInformation.IMPLEMENTATION_CLASS_UID)),
            item(0x55, ascii(FileMetaInformation.IMPLEMENTATION_VERSION_NAME)));

    private static AssociateRequest request(String called, String calling) {
        return new AssociateRequest(1, called, calling, APPLICATION_CONTEXT, List.of(), 16384, "", "");
    }

    @Test
    void acceptedContextsCarryTheirTransferSyntaxAndTheAeTitlesAreEchoed() {
        byte[] encoded = AssociateAccept.encode(request("DICOM-GATEWAY", "STORESCU"), List.of(
                new PresentationContextAnswer(1, PresentationContextAnswer.ACCEPTANCE, EXPLICIT_LE, CT),
                new PresentationContextAnswer(3, PresentationContextAnswer.ACCEPTANCE, IMPLICIT_LE, MR)), 65536);
        byte[] expected = pdu(0x02,
                hex("00 01 00 00"), // protocol version 1, reserved
                aeField("DICOM-GATEWAY"), aeField("STORESCU"), new byte[32],
                item(0x10, ascii(APPLICATION_CONTEXT)),
                item(0x21, hex("01 00 00 00"), item(0x40, ascii(EXPLICIT_LE))), // ID, reserved, result 0, reserved
                item(0x21, hex("03 00 00 00"), item(0x40, ascii(IMPLICIT_LE))),
                OUR_USER_INFORMATION);
        assertArrayEquals(expected, encoded);
    }

    @Test
    void aLongOrHostileAeTitleIsEchoedAsItsFirstSixteenBytes() {
        byte[] encoded = AssociateAccept.encode(request("ABCDEFGHIJKLMNOPQRS", "CT\u00e9"), List.of(), 16384);
        assertArrayEquals(ascii("ABCDEFGHIJKLMNOP"), java.util.Arrays.copyOfRange(encoded, 10, 26));
        assertArrayEquals(concat(ascii("CT"), hex("E9"), ascii("             ")), java.util.Arrays.copyOfRange(encoded, 26, 42));
    }

    @Test
    void refusedContextsAnswerTheirIdAndReason() {
        byte[] encoded = AssociateAccept.encode(request("GW", "SCU"), List.of(
                new PresentationContextAnswer(1, PresentationContextAnswer.ABSTRACT_SYNTAX_NOT_SUPPORTED, null, "1.2.3"),
                new PresentationContextAnswer(3, PresentationContextAnswer.TRANSFER_SYNTAXES_NOT_SUPPORTED, null, CT),
                new PresentationContextAnswer(4, PresentationContextAnswer.PROVIDER_REJECTION, null, CT),
                new PresentationContextAnswer(5, PresentationContextAnswer.ACCEPTANCE, EXPLICIT_LE, CT)), 16384);
        ByteBuffer pdu = ByteBuffer.wrap(encoded);
        assertEquals(0x02, pdu.get());
        pdu.get();
        assertEquals(encoded.length - 6, pdu.getInt(), "the PDU length counts the bytes after the header");
        pdu.position(6 + 68);
        List<String> contexts = new ArrayList<>();
        while (pdu.hasRemaining()) {
            int type = pdu.get() & 0xFF;
            pdu.get();
            int length = pdu.getShort() & 0xFFFF;
            int end = pdu.position() + length;
            if (type == 0x21) {
                contexts.add((pdu.get() & 0xFF) + ":" + (pdu.get(pdu.position() + 1) & 0xFF));
            }
            pdu.position(end);
        }
        assertEquals(List.of("1:3", "3:4", "4:2", "5:0"), contexts, "ID:result (PS3.8 9.3.3.2), in the order proposed");
    }

    @Test
    void theMaximumLengthWeOfferIsBigEndian() {
        byte[] encoded = AssociateAccept.encode(request("GW", "SCU"), List.of(), 0x01020304);
        byte[] maximumLength = hex("51 00 00 04 01 02 03 04");
        assertEquals(1, count(encoded, maximumLength));
    }

    private static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                found++;
            }
        }
        return found;
    }
}
