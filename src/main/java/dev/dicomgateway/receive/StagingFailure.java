package dev.dicomgateway.receive;

import dev.dicomgateway.receive.dimse.Status;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Optional;

/**
 * The answer to an instance whose writing to the spool or staging threw: Out of Resources (0xA700) when the spool's
 * file system is full, Processing Failure (0x0110) otherwise — with the cause in the Error Comment (short, at most 64
 * characters) and in full in the association's log line ({@link StoreOutcome#cause()}).
 *
 * <p>No PHI: a message is only repeated when it cannot quote the data set. I/O errors of the JDK carry the operating
 * system's reason and paths, and paths under the spool hold only pseudonymous keys (tmp/rx-*.part, entity, item and
 * de-identified UIDs); the gateway's own messages never quote values. Any other message may — the JDK's
 * NumberFormatException quotes its input, PixelMed's exceptions quote attribute values — so for those only the type
 * and the gateway code it passed through are given.
 */
final class StagingFailure {
    /** PS3.7 limits the Error Comment (LO) to 64 characters. */
    static final int COMMENT_LIMIT = 64;
    private static final String GATEWAY_CODE = "dev.dicomgateway.";

    private StagingFailure() {
    }

    /** The outcome for {@code failure}, raised while the instance was written into tmp/ or staged. */
    static StoreOutcome of(Throwable failure) {
        String cause = describe(failure);
        Optional<String> full = FileSystemFull.reason(failure);
        if (full.isPresent()) {
            return StoreOutcome.failed(Status.OUT_OF_RESOURCES, RefusalReason.DISK_FULL,
                    "spool file system full: " + full.get() + " (spool.dir)", cause);
        }
        if (failure instanceof IOException io) {
            return StoreOutcome.failed(Status.PROCESSING_FAILURE, RefusalReason.STAGING_FAILED,
                    cut("cannot write to the spool: " + shortForm(io)), cause);
        }
        return StoreOutcome.failed(Status.PROCESSING_FAILURE, RefusalReason.STAGING_FAILED,
                cut("internal error while staging: " + failure.getClass().getSimpleName()), cause);
    }

    /** One line for the log: the exception's class and, where it cannot carry PHI, its message; else where it arose. */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder(failure.getClass().getName());
        if (messageIsSafe(failure)) {
            if (failure.getMessage() != null) {
                line.append(": ").append(failure.getMessage());
            }
        } else {
            line.append(" (message withheld: it may quote data-set values)");
        }
        gatewayFrame(failure).ifPresent(frame -> line.append(" at ").append(frame));
        return line.length() > 300 ? line.substring(0, 300) + "..." : line.toString();
    }

    /** The short form for the Error Comment: the type, and for a file system error the operating system's reason. */
    private static String shortForm(IOException failure) {
        String type = failure.getClass().getSimpleName();
        if (!messageIsSafe(failure)) {
            return type;
        }
        if (failure instanceof FileSystemException fileSystem) { // its message leads with paths; the reason says it
            return fileSystem.getReason() == null ? type : type + ": " + fileSystem.getReason();
        }
        return failure.getMessage() == null ? type : type + ": " + failure.getMessage();
    }

    private static boolean messageIsSafe(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        if (trace.length == 0) {
            return false;
        }
        String origin = trace[0].getClassName();
        if (origin.startsWith(GATEWAY_CODE)) {
            return true;
        }
        boolean jdk = origin.startsWith("java.") || origin.startsWith("sun.") || origin.startsWith("jdk.");
        return jdk && failure instanceof IOException;
    }

    /** The innermost-called frame of gateway code: where the failure reached us, file and line (no values). */
    private static Optional<String> gatewayFrame(Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith(GATEWAY_CODE)) {
                String className = frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1);
                return Optional.of(className + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                        + frame.getLineNumber() + ")");
            }
        }
        return Optional.empty();
    }

    private static String cut(String comment) {
        return comment.length() <= COMMENT_LIMIT ? comment : comment.substring(0, COMMENT_LIMIT - 3) + "...";
    }
}
