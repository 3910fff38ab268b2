package dev.dicomgateway.deliver;

/** A delivery step failed; the subclass says whether to retry (transient) or dead-letter the batch (permanent). */
public abstract sealed class DeliveryException extends Exception
        permits TransientDeliveryException, PermanentDeliveryException {
    protected DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
