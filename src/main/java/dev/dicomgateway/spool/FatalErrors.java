package dev.dicomgateway.spool;

/**
 * What a background stage may not swallow. Every stage that works on one study or batch at a time catches
 * {@code Throwable} around it, so one bad instance cannot stop the others; only errors of the virtual machine itself
 * (out of memory, internal errors) go on up, after the caller has recorded them. A {@link StackOverflowError} is
 * not among them: it is one input's fault, and the thread's stack is unwound by the time it is caught.
 */
public final class FatalErrors {
    private FatalErrors() {
    }

    /** Rethrows {@code failure} if it must end the thread; returns otherwise. */
    public static void rethrowIfFatal(Throwable failure) {
        if (failure instanceof VirtualMachineError error && !(failure instanceof StackOverflowError)) {
            throw error;
        }
    }

    /** A one-line description of {@code failure} for logs and manifests: its type and (shortened) message, no stack. */
    public static String describe(Throwable failure) {
        String message = failure.getMessage();
        return shorten(failure.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    /** {@code text} cut to 300 characters, so no input can make one log line or manifest field large. */
    public static String shorten(String text) {
        if (text == null) {
            return null;
        }
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
