package dev.dicomgateway.http;

import java.io.IOException;

/** A console action named a batch that is not in failed/ (retried already, or never failed). */
final class NoSuchBatchException extends IOException {
    NoSuchBatchException(String message) {
        super(message);
    }
}
