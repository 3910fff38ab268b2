package dev.dicomgateway.deliver;

/** Retrying will not help until someone acts: credentials refused, invalid request, a conflicting object. */
public final class PermanentDeliveryException extends DeliveryException {
    public PermanentDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
