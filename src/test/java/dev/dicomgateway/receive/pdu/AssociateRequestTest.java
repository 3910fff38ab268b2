package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.testing.WireBytes.aeField;
import static dev.dicomgateway.testing.WireBytes.ascii;
import static dev.dicomgateway.testing.WireBytes.be32;
import static dev.dicomgateway.testing.WireBytes.concat;
import static dev.dicomgateway.testing.WireBytes.hex;
import static dev.dicomgateway.testing.WireBytes.item;
import static dev.dicomgateway.testing.WireBytes.uidPadded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A-ASSOCIATE-RQ bodies (PS3.8 9.3.2, the bytes after the 6-byte PDU header) written by hand, parsed. */
class AssociateRequestTest {
    static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";

    /** Protocol version 1, reserved, called and calling AE titles, 32 reserved bytes: the 68 fixed bytes. */
    static byte[] fixedFields(String called, String calling) {
        return concat(hex("00 01 00 00"), aeField(called), aeField(calling), new byte[32]);
    }

    /**
     * What storescu sends, part by part: the fixed fields, the application context, two presentation contexts, and
     * user information with maximum length 16384, an implementation class UID and version name.
     */
    static List<byte[]> storescuRequestParts() {
        return List.of(fixedFields("DICOM-GATEWAY", "STORESCU"),
                item(0x10, ascii(APPLICATION_CONTEXT)),
                item(0x20, hex("01 00 00 00"), item(0x30, ascii(CT)), item(0x40, ascii(EXPLICIT_LE)),
                        item(0x40, uidPadded(IMPLICIT_LE))),
                item(0x20, hex("03 00 00 00"), item(0x30, ascii(MR)), item(0x40, uidPadded(IMPLICIT_LE))),
                item(0x50, item(0x51, be32(16384)), item(0x52, uidPadded("1.2.276.0.7230010.3.0.3.6.8")),
                        item(0x55, ascii("OFFIS_DCMTK_368"))));
    }

    static byte[] storescuRequest() {
        return concat(storescuRequestParts().toArray(byte[][]::new));
    }

    @Test
    void aRequestAsStorescuSendsItIsReadField() throws PduFormatException {
        AssociateRequest request = AssociateRequest.parse(storescuRequest());
        assertEquals(1, request.protocolVersion());
        assertEquals("DICOM-GATEWAY", request.calledAeTitle());
        assertEquals("STORESCU", request.callingAeTitle());
        assertEquals(APPLICATION_CONTEXT, request.applicationContext());
        assertEquals(List.of(new PresentationContextProposal(1, CT, List.of(EXPLICIT_LE, IMPLICIT_LE)),
                new PresentationContextProposal(3, MR, List.of(IMPLICIT_LE))), request.presentationContexts());
        assertEquals(16384, request.peerMaxPduLength());
        assertEquals("1.2.276.0.7230010.3.0.3.6.8", request.implementationClassUid(), "NUL padding removed");
        assertEquals("OFFIS_DCMTK_368", request.implementationVersionName());
    }

    @Test
    void aeTitlesKeepEveryByteButTheirSpacePadding() throws PduFormatException {
        byte[] body = concat(hex("00 01 00 00"), aeField("  CT\u00e9"), aeField("A"), new byte[32],
                item(0x10, ascii(APPLICATION_CONTEXT)));
        AssociateRequest request = AssociateRequest.parse(body);
        assertEquals("CT\u00e9", request.calledAeTitle(), "leading spaces are not significant (PS3.5 6.2); 0xE9 kept as sent");
        assertEquals("A", request.callingAeTitle());
    }

    @Test
    void unknownItemsAndSubItemsAreSkipped() throws PduFormatException {
        byte[] body = concat(fixedFields("GW", "SCU"),
                item(0x99, ascii("from the future")),
                item(0x10, ascii(APPLICATION_CONTEXT)),
                item(0x20, hex("05 00 00 00"), item(0x31, ascii("?")), item(0x30, ascii(CT)), item(0x40, ascii(EXPLICIT_LE))),
                item(0x50, item(0x58, hex("01 00 00 03"), ascii("bob"), hex("00 00")), item(0x51, be32(0xFFFFFFFFL))));
        AssociateRequest request = AssociateRequest.parse(body);
        assertEquals(List.of(new PresentationContextProposal(5, CT, List.of(EXPLICIT_LE))), request.presentationContexts());
        assertEquals(0xFFFFFFFFL, request.peerMaxPduLength(), "read unsigned");
        assertEquals("", request.implementationClassUid());
    }

    @Test
    void aPresentationContextWithoutTransferSyntaxesIsReadForThePolicyToRefuse() throws PduFormatException {
        byte[] body = concat(fixedFields("GW", "SCU"), item(0x10, ascii(APPLICATION_CONTEXT)),
                item(0x20, hex("07 00 00 00"), item(0x30, ascii(CT))));
        assertEquals(List.of(new PresentationContextProposal(7, CT, List.of())),
                AssociateRequest.parse(body).presentationContexts());
    }

    @Test
    void anItemOfTheLargestLengthIsRead() throws PduFormatException {
        byte[] name = new byte[0xFFFF - 4]; // with its sub-item header, the user information item is 0xFFFF long
        Arrays.fill(name, (byte) 'V');
        byte[] body = concat(fixedFields("GW", "SCU"), item(0x10, ascii(APPLICATION_CONTEXT)), item(0x50, item(0x55, name)));
        assertEquals(68 + 4 + 21 + 4 + 0xFFFF, body.length);
        assertEquals(new String(name, java.nio.charset.StandardCharsets.US_ASCII),
                AssociateRequest.parse(body).implementationVersionName());
    }

    private static PduFormatException refused(byte[] body) {
        PduFormatException e = assertThrows(PduFormatException.class, () -> AssociateRequest.parse(body));
        assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason(), e.getMessage());
        return e;
    }

    @Test
    void shorterThanItsFixedFieldsIsRefused() {
        byte[] full = storescuRequest();
        for (int length : new int[] {0, 1, 4, 36, 67}) {
            assertTrue(refused(Arrays.copyOf(full, length)).getMessage().contains("fixed fields"), "length " + length);
        }
    }

    @Test
    void everyCutInsideAnItemIsRefused() throws PduFormatException {
        List<byte[]> parts = storescuRequestParts();
        // items delimit themselves: a cut between two of them after the application context is a shorter request
        java.util.Map<Integer, Integer> contextsAtCut = new java.util.HashMap<>();
        int end = parts.get(0).length + parts.get(1).length;
        contextsAtCut.put(end, 0);
        end += parts.get(2).length;
        contextsAtCut.put(end, 1);
        end += parts.get(3).length;
        contextsAtCut.put(end, 2);
        byte[] full = storescuRequest();
        for (int length = 68; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            if (contextsAtCut.containsKey(length)) {
                assertEquals(contextsAtCut.get(length), AssociateRequest.parse(cut).presentationContexts().size(),
                        "cut between items at " + length);
            } else {
                PduFormatException e = assertThrows(PduFormatException.class, () -> AssociateRequest.parse(cut),
                        "cut at " + length + " of " + full.length);
                assertEquals(PduFormatException.INVALID_PDU_PARAMETER_VALUE, e.abortReason());
            }
        }
    }

    @Test
    void itemLengthsPastTheEndAreRefused() {
        byte[] fixed = fixedFields("GW", "SCU");
        byte[] context = ascii(APPLICATION_CONTEXT);
        assertTrue(refused(concat(fixed, hex("10 00 00 16"), context)).getMessage().contains("exceeds"),
                "one byte longer than the 21 that follow");
        assertTrue(refused(concat(fixed, hex("10 00 FF FF"), context)).getMessage().contains("exceeds"));
        // a sub-item longer than the presentation context item that holds it, though the PDU has bytes to spare
        byte[] overlong = concat(hex("20 00 00 08 01 00 00 00"), hex("30 00 00 10"), ascii(CT));
        assertTrue(refused(concat(fixed, item(0x10, context), overlong)).getMessage().contains("exceeds"));
        byte[] user = concat(hex("50 00 00 04"), hex("51 00 00 08"), be32(16384), be32(0));
        assertTrue(refused(concat(fixed, item(0x10, context), user)).getMessage().contains("exceeds"));
    }

    @Test
    void truncatedItemHeadersAreRefused() {
        byte[] withContext = concat(fixedFields("GW", "SCU"), item(0x10, ascii(APPLICATION_CONTEXT)));
        assertTrue(refused(concat(withContext, hex("20 00 00"))).getMessage().contains("truncated item header"));
        assertTrue(refused(concat(withContext, item(0x20, hex("01 00 00 00"), hex("30"))))
                .getMessage().contains("truncated item header"));
    }

    @Test
    void aPresentationContextItemShorterThanItsFixedFieldsIsRefused() {
        byte[] body = concat(fixedFields("GW", "SCU"), item(0x10, ascii(APPLICATION_CONTEXT)), item(0x20, hex("01 00 00")));
        assertTrue(refused(body).getMessage().contains("too short"));
    }

    @Test
    void aPresentationContextWithoutAnAbstractSyntaxIsRefused() {
        byte[] body = concat(fixedFields("GW", "SCU"), item(0x10, ascii(APPLICATION_CONTEXT)),
                item(0x20, hex("09 00 00 00"), item(0x40, ascii(EXPLICIT_LE))));
        assertTrue(refused(body).getMessage().contains("presentation context 9 has no abstract syntax"));
    }

    @Test
    void aRequestWithoutAnApplicationContextIsRefused() {
        byte[] body = concat(fixedFields("GW", "SCU"), item(0x20, hex("01 00 00 00"), item(0x30, ascii(CT))));
        assertTrue(refused(body).getMessage().contains("no application context"));
        assertTrue(refused(fixedFields("GW", "SCU")).getMessage().contains("no application context"));
    }
}
