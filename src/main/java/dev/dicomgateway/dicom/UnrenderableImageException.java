package dev.dicomgateway.dicom;

/** An instance whose first frame cannot be rendered here: no pixel data, or pixel data no decoder available can read. */
public final class UnrenderableImageException extends Exception {
    public UnrenderableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
