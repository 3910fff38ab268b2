package dev.dicomgateway.receive.pdu;

import static dev.dicomgateway.testing.WireBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The fixed-size PDUs the gateway sends: A-ASSOCIATE-RJ, A-RELEASE-RP and A-ABORT (PS3.8 9.3.4, 9.3.7, 9.3.8). */
class ControlPduTest {
    @Test
    void rejectionsSayResultSourceAndReasonAsPs38Lists() {
        // type 03, reserved, length 4, reserved, result (1 permanent, 2 transient), source, reason
        assertArrayEquals(hex("03 00 00000004 00 01 01 03"), AssociateReject.CALLING_AE_NOT_RECOGNIZED.encode(),
                "service user: calling-AE-title-not-recognized");
        assertArrayEquals(hex("03 00 00000004 00 01 01 07"), AssociateReject.CALLED_AE_NOT_RECOGNIZED.encode(),
                "service user: called-AE-title-not-recognized");
        assertArrayEquals(hex("03 00 00000004 00 01 01 02"), AssociateReject.APPLICATION_CONTEXT_NOT_SUPPORTED.encode(),
                "service user: application-context-name-not-supported");
        assertArrayEquals(hex("03 00 00000004 00 01 02 02"), AssociateReject.PROTOCOL_VERSION_NOT_SUPPORTED.encode(),
                "service provider (ACSE): protocol-version-not-supported");
        assertArrayEquals(hex("03 00 00000004 00 02 03 02"), AssociateReject.LOCAL_LIMIT_EXCEEDED.encode(),
                "transient, service provider (presentation): local-limit-exceeded");
    }

    @Test
    void releaseResponseIsTypeSixWithFourReservedBytes() {
        assertArrayEquals(hex("06 00 00000004 00000000"), ControlPdu.releaseResponse());
        assertEquals(4, ControlPdu.BODY_LENGTH);
    }

    @Test
    void abortCarriesAReasonOnlyFromTheServiceProvider() {
        assertArrayEquals(hex("07 00 00000004 00 00 02 06"),
                ControlPdu.abort(ControlPdu.SOURCE_SERVICE_PROVIDER, PduFormatException.INVALID_PDU_PARAMETER_VALUE));
        assertArrayEquals(hex("07 00 00000004 00 00 02 01"),
                ControlPdu.abort(ControlPdu.SOURCE_SERVICE_PROVIDER, PduFormatException.UNRECOGNIZED_PDU));
        assertArrayEquals(hex("07 00 00000004 00 00 00 00"),
                ControlPdu.abort(ControlPdu.SOURCE_SERVICE_USER, PduFormatException.INVALID_PDU_PARAMETER_VALUE),
                "a service user's abort has no reason (PS3.8 9.3.8: not significant)");
    }

    @Test
    void abortReasonsAreThoseOfPs38() {
        assertEquals(1, PduFormatException.UNRECOGNIZED_PDU);
        assertEquals(2, PduFormatException.UNEXPECTED_PDU);
        assertEquals(4, PduFormatException.UNRECOGNIZED_PDU_PARAMETER);
        assertEquals(5, PduFormatException.UNEXPECTED_PDU_PARAMETER);
        assertEquals(6, PduFormatException.INVALID_PDU_PARAMETER_VALUE);
    }
}
