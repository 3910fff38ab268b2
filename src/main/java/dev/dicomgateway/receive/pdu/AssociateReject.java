package dev.dicomgateway.receive.pdu;

/** An A-ASSOCIATE-RJ (PS3.8 9.3.4): result, source and reason, with the ones the gateway sends named. */
public record AssociateReject(int result, int source, int reason, String label) {
    private static final int PERMANENT = 1;
    private static final int TRANSIENT = 2;
    private static final int SERVICE_USER = 1;
    private static final int SERVICE_PROVIDER_ACSE = 2;
    private static final int SERVICE_PROVIDER_PRESENTATION = 3;

    public static final AssociateReject CALLING_AE_NOT_RECOGNIZED =
            new AssociateReject(PERMANENT, SERVICE_USER, 3, "rejected_calling_ae");
    public static final AssociateReject CALLED_AE_NOT_RECOGNIZED =
            new AssociateReject(PERMANENT, SERVICE_USER, 7, "rejected_called_ae");
    public static final AssociateReject APPLICATION_CONTEXT_NOT_SUPPORTED =
            new AssociateReject(PERMANENT, SERVICE_USER, 2, "rejected_application_context");
    public static final AssociateReject PROTOCOL_VERSION_NOT_SUPPORTED =
            new AssociateReject(PERMANENT, SERVICE_PROVIDER_ACSE, 2, "rejected_protocol_version");
    public static final AssociateReject LOCAL_LIMIT_EXCEEDED =
            new AssociateReject(TRANSIENT, SERVICE_PROVIDER_PRESENTATION, 2, "rejected_limit");

    /** The 10 bytes of the PDU. */
    public byte[] encode() {
        return ControlPdu.fixed(PduType.ASSOCIATE_RJ, 0, result, source, reason);
    }
}
