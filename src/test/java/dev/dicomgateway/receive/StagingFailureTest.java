package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dicomgateway.testing.ScratchFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a staging failure becomes an answer: a real ENOSPC (a write to a full tmpfs, wrapped or not) is Out of
 * Resources with the spool.dir hint; other failures are Processing Failure with their cause, in at most 64 characters
 * for the sender and in full for the log — except messages that can quote data-set values.
 */
class StagingFailureTest {
    @TempDir
    Path work;

    @Test
    void aRealNoSpaceLeftOnDeviceIsOutOfResourcesHoweverItIsWrapped() throws Exception {
        try (ScratchFileSystem fs = ScratchFileSystem.mount(work.resolve("fs"), "size=1m")) {
            IOException full = fillUntilItFails(fs.root().resolve("big"));
            for (Throwable failure : new Throwable[] {full, new IOException("copying failed", full),
                    new java.io.UncheckedIOException(full)}) {
                StoreOutcome outcome = StagingFailure.of(failure);
                assertEquals(0xA700, outcome.status(), failure.toString());
                assertEquals("disk_full", outcome.reason().label());
                assertEquals("spool file system full: No space left on device (spool.dir)", outcome.comment());
                assertTrue(outcome.comment().length() <= 64);
                assertTrue(FileSystemFull.causedBy(failure));
            }
            assertTrue(StagingFailure.of(full).cause().startsWith("java.io.IOException: No space left on device"),
                    StagingFailure.of(full).cause());
        }
    }

    @Test
    void otherIoErrorsAreProcessingFailuresNamingTheirReason() throws Exception {
        Path notADirectory = Files.write(work.resolve("DEFAULT"), new byte[] {1});
        IOException failure = assertThrowsIo(() -> Files.createDirectory(notADirectory.resolve("E1")));
        StoreOutcome outcome = StagingFailure.of(failure);
        assertEquals(0x0110, outcome.status());
        assertEquals("staging_failed", outcome.reason().label());
        assertEquals("cannot write to the spool: FileSystemException: Not a directory", outcome.comment());
        assertTrue(outcome.cause().startsWith("java.nio.file.FileSystemException: " + notADirectory.resolve("E1")
                + ": Not a directory"), outcome.cause());
        assertFalse(FileSystemFull.causedBy(failure));
    }

    @Test
    void messagesThatMayQuoteValuesAreWithheldButTheTypeAndPlaceAreGiven() {
        RuntimeException parse;
        try {
            Integer.parseInt("19610203X"); // a birth date with a typo, as a value of the data set would look
            throw new AssertionError("unreachable");
        } catch (NumberFormatException e) {
            parse = e;
        }
        StoreOutcome outcome = StagingFailure.of(parse);
        assertEquals(0x0110, outcome.status());
        assertEquals("internal error while staging: NumberFormatException", outcome.comment());
        assertFalse(outcome.cause().contains("19610203"), outcome.cause());
        assertTrue(outcome.cause().startsWith("java.lang.NumberFormatException (message withheld"), outcome.cause());
        assertTrue(outcome.cause().contains(" at StagingFailureTest.messagesThatMayQuoteValuesAreWithheld"), outcome.cause());

        IllegalArgumentException ours = new IllegalArgumentException("staging path escapes the spool");
        assertTrue(StagingFailure.of(ours).cause().startsWith("java.lang.IllegalArgumentException: staging path escapes"),
                "the gateway's own messages never quote values and are kept: " + StagingFailure.of(ours).cause());
    }

    @Test
    void longCausesAreCutToTheSixtyFourCharactersOfAnErrorComment() {
        IOException failure = new IOException("x".repeat(500));
        StoreOutcome outcome = StagingFailure.of(failure);
        assertEquals(64, outcome.comment().length(), outcome.comment());
        assertTrue(outcome.comment().startsWith("cannot write to the spool: IOException: xxx"));
        assertTrue(outcome.cause().length() <= 303, "one bounded log line");
    }

    private static IOException fillUntilItFails(Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (int i = 0; i < 1000; i++) {
                chunk.clear();
                out.write(chunk);
            }
        } catch (IOException e) {
            return e;
        }
        return fail("a 1 MiB tmpfs took 64 MiB");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static IOException assertThrowsIo(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            return e;
        }
        return fail("expected an IOException");
    }
}
