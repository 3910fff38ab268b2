package dev.dicomgateway.spool;

import java.io.IOException;

/** The id given to a `quarantine` command names no quarantined instance (mistyped, or released or purged already). */
public final class NotInQuarantineException extends IOException {
    public NotInQuarantineException(String message) {
        super(message);
    }
}
