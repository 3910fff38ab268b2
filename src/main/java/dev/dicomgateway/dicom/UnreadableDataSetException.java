package dev.dicomgateway.dicom;

/** A data set that cannot be parsed: truncated, malformed, or not DICOM at all. */
public final class UnreadableDataSetException extends Exception {
    public UnreadableDataSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
