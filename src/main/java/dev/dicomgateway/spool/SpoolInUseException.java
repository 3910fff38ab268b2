package dev.dicomgateway.spool;

import java.io.IOException;

/** Another live process owns the spool ({@code <spool.dir>/.lock}); the message names it and the way out. */
public final class SpoolInUseException extends IOException {
    public SpoolInUseException(String message) {
        super(message);
    }
}
