package dev.dicomgateway.receive;

import java.util.Locale;

/**
 * How an association (or a connection that never became one) ended: the result label of
 * dicom_gateway_associations_total and the outcome of the association log line. A fixed set, so no peer can add series.
 */
public enum AssociationResult {
    RELEASED, ABORTED_BY_PEER, DROPPED, IDLE_TIMEOUT, REQUEST_TIMEOUT, INVALID_REQUEST, PROTOCOL_ERROR, INTERNAL_ERROR,
    /** Closed at accept: more connections than dicom.maxAssociations plus a margin. */
    OVERLOAD,
    REJECTED_PEER_LIMIT, REJECTED_PEER_NOT_ALLOWED,
    /** A-ASSOCIATE-RJ, one per {@link dev.dicomgateway.receive.pdu.AssociateReject} the gateway sends. */
    REJECTED_CALLING_AE, REJECTED_CALLED_AE, REJECTED_APPLICATION_CONTEXT, REJECTED_PROTOCOL_VERSION, REJECTED_LIMIT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result of an A-ASSOCIATE-RJ by its {@code AssociateReject.label()}. */
    static AssociationResult ofRejection(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
