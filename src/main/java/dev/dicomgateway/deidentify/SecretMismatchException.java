package dev.dicomgateway.deidentify;

import java.io.IOException;

/**
 * The secret file is not the one the spool's pseudonyms were made with (or is missing while the spool has a
 * fingerprint): a setting or a restore to fix, so `run` reports it as a configuration error.
 */
public final class SecretMismatchException extends IOException {
    SecretMismatchException(String message) {
        super(message);
    }
}
