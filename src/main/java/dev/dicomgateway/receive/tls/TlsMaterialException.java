package dev.dicomgateway.receive.tls;

/** A certificate or key file that cannot be used; the message says what is wrong with it and how to fix it. */
public final class TlsMaterialException extends Exception {
    public TlsMaterialException(String message) {
        super(message);
    }
}
