package dev.dicomgateway.deliver;

/** Retrying will not help until someone acts: credentials refused, invalid request, a conflicting object. */
public sealed class PermanentDeliveryException extends DeliveryException permits ObjectNameTakenException {
    public PermanentDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
