package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staged file and its write-behind syncs race: a file discarded (closed, deleted) while its fdatasync runs on the
 * background thread, a writer interrupted mid-write, a truncate after the sync started — none leaves a file behind,
 * none breaks the next file, and the completed file holds exactly what was written.
 */
class StagedFileWriteBehindTest {
    private static final byte[] MEBIBYTE = new byte[1 << 20];

    @TempDir
    Path work;

    private Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void createTmp() throws IOException {
        tmp = Files.createDirectory(work.resolve("tmp"));
    }

    @Test
    void filesDiscardedWhileTheirSyncRunsLeaveNothingAndTheNextFileCompletes() throws Exception {
        WriteBehind writeBehind = new WriteBehind();
        for (int round = 0; round < 20; round++) {
            try (StagedFile staged = StagedFile.create(tmp, writeBehind)) {
                writeHeader(staged, new byte[] {1, 2, 3, 4});
                for (int i = 0; i < 9; i++) { // past WriteBehind.CHUNK: a sync is queued, then the file is discarded
                    staged.write(MEBIBYTE, 0, MEBIBYTE.length);
                }
            }
        }
        assertTrue(empty(tmp), "discarded files deleted");
        byte[] header = {9, 8, 7, 6};
        try (StagedFile staged = StagedFile.create(tmp, writeBehind)) {
            writeHeader(staged, header);
            for (int i = 0; i < 17; i++) {
                staged.write(MEBIBYTE, 0, MEBIBYTE.length);
            }
            staged.truncate(5L << 20); // the reader had read ahead: cut after the sync started
            Path done = staged.complete();
            Path kept = tmp.resolveSibling("kept.dcm");
            Files.move(done, kept);
            assertEquals(4 + (5L << 20), Files.size(kept));
            byte[] start = new byte[4];
            try (var in = Files.newInputStream(kept)) {
                assertEquals(4, in.read(start));
            }
            assertArrayEquals(header, start);
        }
        assertTrue(empty(tmp));
    }

    @Test
    void aWriterInterruptedMidWriteFailsAndLeavesNothing() throws Exception {
        WriteBehind writeBehind = new WriteBehind();
        StagedFile staged = StagedFile.create(tmp, writeBehind);
        writeHeader(staged, new byte[] {1, 2});
        Thread.currentThread().interrupt();
        try {
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 9; i++) {
                    staged.write(MEBIBYTE, 0, MEBIBYTE.length);
                }
            });
        } finally {
            Thread.interrupted();
            staged.close();
        }
        assertTrue(empty(tmp), "the interrupted file deleted");
        try (StagedFile next = StagedFile.create(tmp, writeBehind)) {
            writeHeader(next, new byte[] {3, 4});
            for (int i = 0; i < 9; i++) {
                next.write(MEBIBYTE, 0, MEBIBYTE.length);
            }
            Path done = next.complete();
            assertEquals(2 + 9L * MEBIBYTE.length, Files.size(done));
            Files.delete(done);
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private static void writeHeader(StagedFile staged, byte[] header) throws IOException {
        staged.header().write(header);
        staged.headerWritten();
    }

    private static boolean empty(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        }
    }
}
