package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Whatever is written to System.err, what reaches the real standard error is bounded per minute. */
class BoundedStandardErrorTest {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final AtomicLong now = new AtomicLong();

    @Test
    void aMillionLinesOnSystemErrBecomeAHundredAndANotice() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
        try {
            BoundedStandardError.install(); // as Main does; on the real clock (this test takes seconds, not a minute)
            String message = "Error: Illegal duplicate tag in dataset - (0x0000,0x0000) - replacing previous occurence";
            for (int i = 0; i < 500_000; i++) {
                System.err.println(message); // whole lines, dropped before they are encoded
                System.err.print(message + "\n"); // bytes, dropped as they come
            }
        } finally {
            System.setErr(original);
        }
        List<String> lines = lines();
        assertEquals(BoundedStandardError.LINES_PER_MINUTE + 1, lines.size(), "the budget plus one notice");
        assertTrue(written.size() < 16 * 1024, written.size() + " bytes");
        assertTrue(lines.get(lines.size() - 1).contains("the rest are counted, not written"), lines.get(lines.size() - 1));
    }

    @Test
    void theNextMinuteSaysHowManyWereSuppressed() {
        PrintStream err = BoundedStandardError.stream(new BoundedStandardError(new PrintStream(written, true), now::get));
        for (int i = 0; i < 1_000; i++) {
            err.println("line " + i);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        err.println("after");
        List<String> lines = lines();
        assertEquals("line 0", lines.get(0));
        assertEquals("dicom-gateway: suppressed 900 lines of standard error in the last 61 s", lines.get(lines.size() - 2));
        assertEquals("after", lines.get(lines.size() - 1));
        assertEquals(BoundedStandardError.LINES_PER_MINUTE + 3, lines.size());
    }

    @Test
    void longLinesAreCutAndControlBytesEscaped() {
        PrintStream err = BoundedStandardError.stream(new BoundedStandardError(new PrintStream(written, true), now::get));
        err.println("x".repeat(10_000_000)); // one line without end must not cost memory either
        err.println("red \u001b[31m\r bell \u0007 é");
        List<String> lines = lines();
        assertEquals("x".repeat(BoundedStandardError.MAX_LINE_CHARS) + " [cut]", lines.get(0));
        assertEquals("red \\x1b[31m\\x0d bell \\x07 \\xc3\\xa9", lines.get(1));
    }

    private List<String> lines() {
        return written.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
