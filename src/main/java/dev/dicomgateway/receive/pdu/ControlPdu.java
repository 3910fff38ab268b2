package dev.dicomgateway.receive.pdu;

/** The fixed-size PDUs: A-RELEASE-RQ/RP and A-ABORT (PS3.8 9.3.6–9.3.8). */
public final class ControlPdu {
    /** A-ABORT source: the service user (us, deciding to stop) or the service provider (a protocol error). */
    public static final int SOURCE_SERVICE_USER = 0;
    public static final int SOURCE_SERVICE_PROVIDER = 2;
    /** The length of every control PDU's body. */
    public static final int BODY_LENGTH = 4;

    private ControlPdu() {
    }

    public static byte[] releaseRequest() {
        return fixed(PduType.RELEASE_RQ, 0, 0, 0, 0);
    }

    public static byte[] releaseResponse() {
        return fixed(PduType.RELEASE_RP, 0, 0, 0, 0);
    }

    /** An A-ABORT; {@code reason} is meaningful only when the source is the service provider. */
    public static byte[] abort(int source, int reason) {
        return fixed(PduType.ABORT, 0, 0, source, source == SOURCE_SERVICE_PROVIDER ? reason : 0);
    }

    static byte[] fixed(int type, int b6, int b7, int b8, int b9) {
        return new byte[] {(byte) type, 0, 0, 0, 0, 4, (byte) b6, (byte) b7, (byte) b8, (byte) b9};
    }
}
