package dev.dicomgateway.receive.dimse;

/** A DIMSE command set that cannot be parsed. */
public class MalformedCommandException extends Exception {
    public MalformedCommandException(String message) {
        super(message);
    }
}
