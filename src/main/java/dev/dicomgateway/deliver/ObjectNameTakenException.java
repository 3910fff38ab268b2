package dev.dicomgateway.deliver;

/**
 * An object store already holds another object under the name (other content): it is never overwritten. Another
 * gateway delivering to the same destination may have taken the name for its part of the same study, so
 * {@link BatchDelivery} stores the object once more under a name of this gateway's own before it gives up.
 */
public final class ObjectNameTakenException extends PermanentDeliveryException {
    public ObjectNameTakenException(String message) {
        super(message, null);
    }
}
