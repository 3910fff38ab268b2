package dev.dicomgateway.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Standard error with a budget: at most {@value #LINES_PER_MINUTE} lines a minute, each cut to {@value #MAX_LINE_CHARS}
 * characters, with control and non-ASCII bytes written as {@code \xNN}; past the budget lines are counted, not written,
 * and one line says how many were suppressed. {@link Main} installs it before any command runs.
 *
 * <p>Why: PixelMed prints to {@code System.err} directly, past logback, once per problem it finds — a 1 KB deflated
 * C-STORE of zeros made it print 7.8 MB of "Illegal duplicate tag" lines, a 1.58 MB one 10.8 GB in 6 minutes (issue 9).
 * No input may turn into unbounded output, so the bound is on the stream itself, whoever writes to it: PixelMed, the
 * JVM's uncaught-exception traces, any library. Lines within the budget go to the real standard error unchanged
 * (apart from escaping), so the commands' own one-line error messages stay where scripts expect them.
 * ({@code System.out} is left alone: PixelMed's data-set classes print to it only from their {@code main} methods, and
 * logback's console appender and the commands' results use it.)
 */
public final class BoundedStandardError extends OutputStream {
    /** Lines written per minute before the rest of that minute's are suppressed. */
    static final int LINES_PER_MINUTE = 100;
    /** Characters kept of one line (after escaping). */
    static final int MAX_LINE_CHARS = 200;
    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PrintStream target;
    private final LongSupplier nanoTime;
    private final StringBuilder line = new StringBuilder(MAX_LINE_CHARS + 16);
    private boolean lineStarted;
    private boolean keepLine;
    private boolean lineTruncated;
    private long windowStart;
    private int writtenInWindow;
    private long suppressedInWindow;

    BoundedStandardError(PrintStream target, LongSupplier nanoTime) {
        this.target = target;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /** Replaces {@code System.err} with a bounded stream over the current one; returns the current one. */
    public static PrintStream install() {
        PrintStream original = System.err;
        System.setErr(stream(new BoundedStandardError(original, System::nanoTime)));
        return original;
    }

    static PrintStream stream(BoundedStandardError bounded) {
        return new LinePrintStream(bounded);
    }

    /**
     * Drops a whole line written with one println before it is encoded, so a flood (PixelMed writes each message with
     * one println) costs a clock read per line, not the encoding and scanning of every byte.
     */
    private static final class LinePrintStream extends PrintStream {
        private final BoundedStandardError lines;

        LinePrintStream(BoundedStandardError lines) {
            super(lines, true, StandardCharsets.UTF_8);
            this.lines = lines;
        }

        @Override
        public void println(String x) {
            synchronized (this) {
                if (!lines.suppressedWholeLine()) {
                    super.println(x);
                }
            }
        }

        @Override
        public void println(Object x) {
            println(String.valueOf(x));
        }
    }

    /** If no line is under way, admits the next one; true if it is suppressed (and counted) instead. */
    private synchronized boolean suppressedWholeLine() {
        if (lineStarted) {
            return false;
        }
        lineStarted = true;
        keepLine = admitLine();
        if (!keepLine) {
            lineStarted = false;
            return true;
        }
        return false;
    }

    @Override
    public synchronized void write(int b) {
        append(b & 0xFF);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            append(bytes[i] & 0xFF);
        }
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void append(int b) {
        if (!lineStarted) {
            lineStarted = true;
            keepLine = admitLine();
        }
        if (b == '\n') {
            endLine();
        } else if (!keepLine) {
            return; // counted at its end; a flood past the budget costs a comparison per byte
        } else if (line.length() >= MAX_LINE_CHARS) {
            lineTruncated = true;
        } else if (b >= 0x20 && b < 0x7F && b != '\\') {
            line.append((char) b);
        } else {
            line.append(b == '\\' ? "\\\\" : String.format("\\x%02x", b));
        }
    }

    /** Whether the line now starting is written: opens a new window when a minute has passed. */
    private boolean admitLine() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= WINDOW_NANOS) {
            if (suppressedInWindow > 0) {
                target.println("dicom-gateway: suppressed " + suppressedInWindow + " lines of standard error in the last "
                        + TimeUnit.NANOSECONDS.toSeconds(now - windowStart) + " s");
            }
            windowStart = now;
            writtenInWindow = 0;
            suppressedInWindow = 0;
        }
        if (writtenInWindow < LINES_PER_MINUTE) {
            writtenInWindow++;
            return true;
        }
        if (suppressedInWindow == 0) {
            target.println("dicom-gateway: more than " + LINES_PER_MINUTE
                    + " lines of standard error this minute; the rest are counted, not written");
        }
        suppressedInWindow++;
        return false;
    }

    private void endLine() {
        if (keepLine) {
            target.println(lineTruncated ? line + " [cut]" : line);
        }
        line.setLength(0);
        lineTruncated = false;
        lineStarted = false;
    }
}
