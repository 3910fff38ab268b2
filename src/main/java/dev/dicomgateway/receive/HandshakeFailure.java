package dev.dicomgateway.receive;

import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;

/**
 * Why a TLS handshake on the DICOM TLS port failed: the label of dicom_gateway_tls_handshake_failures_total{reason}
 * (a fixed set, whatever peers send) and the hint the log line gives an operator.
 */
enum HandshakeFailure {
    /** The first byte was not a TLS handshake record: a plain DICOM (or other) client on the TLS port. */
    NOT_TLS("not_tls", "the peer did not speak TLS: is it configured for the plain port (dicom.port) instead?"),
    /** dicom.associationRequestTimeout passed before the handshake finished. */
    TIMEOUT("timeout", "the handshake did not finish within dicom.associationRequestTimeout"),
    /** clientAuth required, and the client presented no certificate. */
    NO_CERTIFICATE("no_certificate", "the client sent no certificate, and dicom.tls.clientAuth is required"),
    /** The client's certificate is not signed by a CA of dicom.tls.trustedCertificates, expired, or otherwise invalid. */
    UNTRUSTED_CERTIFICATE("untrusted_certificate", "the client's certificate is not valid or not signed by a CA in "
            + "dicom.tls.trustedCertificates"),
    /** No common protocol version or cipher suite, a malformed message, or an alert from the client (which may have refused our certificate). */
    PROTOCOL("protocol", "no common TLS version or cipher suite (dicom.tls.protocols, dicom.tls.cipherSuites), or the "
            + "client refused the gateway's certificate (is the CA of dicom.tls.certificate in its trust store?)"),
    /** The peer closed the connection before the handshake finished (a port probe, or a client that gave up). */
    CLOSED("closed", "the peer closed the connection during the handshake"),
    OTHER("other", "the connection failed during the handshake");

    private final String label;
    private final String hint;

    HandshakeFailure(String label, String hint) {
        this.label = label;
        this.hint = hint;
    }

    String label() {
        return label;
    }

    String hint() {
        return hint;
    }

    /**
     * The reason of a handshake's {@link SSLException}. A certificate the trust manager refused carries its
     * {@link CertificateException} as the cause; a missing certificate has no type of its own in the JDK, only the
     * message its handshake code gives (checked by a test against the real JDK and a real client).
     */
    static HandshakeFailure of(SSLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return UNTRUSTED_CERTIFICATE;
            }
            if (cause instanceof java.net.SocketTimeoutException) {
                return TIMEOUT;
            }
            if (cause instanceof java.io.EOFException || cause instanceof java.net.SocketException) {
                return CLOSED;
            }
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("Empty client certificate chain")) {
            return NO_CERTIFICATE;
        }
        return PROTOCOL;
    }
}
