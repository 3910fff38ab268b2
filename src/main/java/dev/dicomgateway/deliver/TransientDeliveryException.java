package dev.dicomgateway.deliver;

/** Worth retrying later: outages, timeouts, 5xx, 429, connection resets, checksum mismatches in transit. */
public final class TransientDeliveryException extends DeliveryException {
    public TransientDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
