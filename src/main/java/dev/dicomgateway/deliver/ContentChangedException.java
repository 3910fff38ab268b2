package dev.dicomgateway.deliver;

/**
 * The bytes produced for an object differ from the checksums recorded when its batch was packaged (a staged file
 * changed, or the archive no longer comes out the same, e.g. after a zlib upgrade). Nothing was stored; the batch is
 * packaged again, so its checksums describe the bytes it now has.
 */
public final class ContentChangedException extends TransientDeliveryException {
    public ContentChangedException(String message) {
        super(message, null);
    }
}
