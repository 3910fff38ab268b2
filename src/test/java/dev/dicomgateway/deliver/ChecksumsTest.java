package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checksums recorded for an object and the ones computed as it is written (MD5 on a thread of its own, in
 * chunks): the same bytes, written in any pieces, give the same size, CRC32C and MD5 as a file read in one go; and a
 * local store confirms an object by size and CRC32C, never taking other bytes for it.
 */
class ChecksumsTest {
    private static final int CHUNK = 256 << 10;

    @TempDir
    Path work;

    @Test
    void bytesWrittenInAnyPiecesHaveTheChecksumsOfTheFile() throws Exception {
        Random random = new Random(7);
        // empty, one byte, each side of a chunk, and far more chunks than may wait for the MD5 thread
        for (int length : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 9 * CHUNK + 12345}) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            Path file = work.resolve("object-" + length);
            Files.write(file, bytes);
            ByteArrayOutputStream passedOn = new ByteArrayOutputStream();
            ChecksummingStream stream = new ChecksummingStream(passedOn);
            int offset = 0;
            while (offset < length) { // pieces of 1 byte up to 3 chunks, as a deflater's output and a tar header come
                int piece = Math.min(length - offset, random.nextInt(4) == 0 ? 1 : random.nextInt(3 * CHUNK) + 1);
                if (piece == 1) {
                    stream.write(bytes[offset]);
                } else {
                    stream.write(bytes, offset, piece);
                }
                offset += piece;
            }
            stream.close();
            assertEquals(Checksums.of(file), stream.checksums(), "checksums of " + length + " bytes");
            assertTrue(Arrays.equals(bytes, passedOn.toByteArray()), "every byte passed on, in order");
        }
    }

    @Test
    void aFileMatchesOnlyItsOwnSizeAndCrc32c() throws Exception {
        byte[] bytes = new byte[3 * CHUNK + 5];
        new Random(11).nextBytes(bytes);
        Path file = work.resolve("object");
        Files.write(file, bytes);
        Checksums recorded = Checksums.of(file);
        assertTrue(Checksums.sizeAndCrc32cMatch(file, recorded));
        bytes[CHUNK + 3] ^= 1;
        Files.write(file, bytes);
        assertFalse(Checksums.sizeAndCrc32cMatch(file, recorded), "one bit changed");
        Files.write(file, Arrays.copyOf(bytes, bytes.length + 1));
        assertFalse(Checksums.sizeAndCrc32cMatch(file, recorded), "one byte longer");
    }

    @Test
    void aLocalStoreNeverTakesOtherBytesForTheObject() throws Exception {
        byte[] bytes = new byte[CHUNK + 99];
        new Random(13).nextBytes(bytes);
        Path staged = work.resolve("staged.dcm");
        Files.write(staged, bytes);
        LocalDirectoryStore store = new LocalDirectoryStore(work.resolve("bucket"));
        ObjectContent content = ObjectContent.ofFile(staged, Checksums.of(staged));
        String uri = store.put("a/b.dcm", content, Map.of());
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(Path.of(java.net.URI.create(uri)))));
        assertEquals(uri, store.put("a/b.dcm", content, Map.of()), "the same object again: already stored");
        bytes[7] ^= 1;
        Files.write(staged, bytes);
        ObjectContent other = ObjectContent.ofFile(staged, Checksums.of(staged));
        PermanentDeliveryException refused = assertThrows(PermanentDeliveryException.class,
                () -> store.put("a/b.dcm", other, Map.of()));
        assertTrue(refused.getMessage().contains("already exists with other content"), refused.getMessage());
    }
}
