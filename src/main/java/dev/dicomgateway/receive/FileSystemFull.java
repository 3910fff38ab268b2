package dev.dicomgateway.receive;

import java.io.IOException;
import java.util.Optional;

/**
 * Recognises a full file system in an I/O failure. Java has no exception type for ENOSPC or EDQUOT: it reports them
 * only by the text the operating system gives ({@code IOException("No space left on device")}, a
 * {@code FileSystemException} whose reason is that text), so this is the one place that reads it. Used wherever the
 * spool is written: staging (an Out of Resources answer) and delivery (the reserve it may use).
 */
public final class FileSystemFull {
    /** strerror(ENOSPC) and strerror(EDQUOT) as glibc words them; a quota is a full file system for this user. */
    private static final String[] REASONS = {"No space left on device", "Disk quota exceeded"};
    /** Causes followed at most: deep enough for any wrapping seen, bounded against a cyclic chain. */
    private static final int MAX_DEPTH = 8;

    private FileSystemFull() {
    }

    /** True when {@code failure}, or an exception it wraps, is an I/O error saying the file system is full. */
    public static boolean causedBy(Throwable failure) {
        return reason(failure).isPresent();
    }

    /** The operating system's words for the full file system ("No space left on device"), if that is the failure. */
    public static Optional<String> reason(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_DEPTH; depth++, current = current.getCause()) {
            if (current instanceof IOException && current.getMessage() != null) {
                for (String reason : REASONS) {
                    if (current.getMessage().contains(reason)) {
                        return Optional.of(reason);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
