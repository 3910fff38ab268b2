package dev.dicomgateway.deliver;

/**
 * Worth retrying later: outages, timeouts, 5xx, 429, connection resets, checksum mismatches in transit — and content
 * that must be packaged again first ({@link ContentChangedException}).
 */
public sealed class TransientDeliveryException extends DeliveryException permits ContentChangedException {
    public TransientDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
