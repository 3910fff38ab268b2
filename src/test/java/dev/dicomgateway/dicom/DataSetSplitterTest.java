package dev.dicomgateway.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one-pass splitter finds, in a stream read once, exactly what the file path's {@link DataSetLayout} finds in the
 * file: the same header bytes and structure, the same pixel data bytes, the same offsets — for every real file of the
 * corpus, whatever sizes the network cuts the stream into. What the reader refuses, it refuses too.
 */
class DataSetSplitterTest {
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";

    @Test
    void agreesWithTheFileLayoutForTheWholeCorpusInAnyChunking() throws Exception {
        List<Corpus.File> files = Corpus.files().stream().filter(f -> !f.transferSyntax().equals(DEFLATED)).toList();
        assertTrue(files.size() > 20, "corpus too small: " + files.size());
        Random random = new Random(42);
        int withPixels = 0;
        for (Corpus.File file : files) {
            byte[] bytes = Files.readAllBytes(file.path());
            DataSetLayout layout = DataSetLayout.read(file.path(), DataSetLimits.DEFAULT);
            int base = (int) layout.dataSetOffset();
            byte[] dataSet = Arrays.copyOfRange(bytes, base, bytes.length);
            for (int chunk : new int[] {1, 7, 4096, 1 << 20, -1}) {
                if (chunk == 1 && dataSet.length > 2 << 20) {
                    continue; // a byte at a time through 100 MB is slow and adds nothing to 7
                }
                Recorder recorder = new Recorder();
                InputStream in = new Chunked(new ByteArrayInputStream(dataSet), chunk, random);
                DataSetSplitter.Split split = DataSetSplitter.split(in, layout.transferSyntaxUid(), DataSetLimits.DEFAULT,
                        recorder);
                String name = file.path().getFileName() + " in chunks of " + chunk;
                assertEquals(layout.headerEnd() - base, split.headerEnd(), name);
                assertEquals(layout.bulkStart() - base, split.bulkStart(), name);
                assertEquals(layout.bulkEnd() - base, split.bulkEnd(), name);
                assertEquals(dataSet.length, split.length(), name);
                assertEquals(layout.headerStructure(), recorder.structure, name);
                assertArrayEquals(Arrays.copyOfRange(dataSet, 0, (int) split.headerEnd()), recorder.header, name);
                assertArrayEquals(Arrays.copyOfRange(bytes, (int) layout.bulkStart(), (int) layout.bulkEnd()),
                        recorder.bulk(), name);
            }
            withPixels += layout.bulkEnd() > layout.bulkStart() ? 1 : 0;
        }
        assertTrue(withPixels > 10, "files with pixel data: " + withPixels);
    }

    @Test
    void whatFollowsThePixelDataIsCutEvenWhenReadAhead() throws Exception {
        byte[] pixels = new byte[3000];
        new Random(1).nextBytes(pixels);
        ByteArrayOutputStream set = new ByteArrayOutputStream();
        element(set, 0x0008, 0x0018, "UI", "1.2.3\0".getBytes());
        element(set, 0x7FE0, 0x0010, "OW", pixels);
        element(set, 0xFFFC, 0xFFFC, "OB", new byte[5000]); // data set trailing padding, read ahead with the pixels
        Recorder recorder = new Recorder();
        DataSetSplitter.Split split = DataSetSplitter.split(new ByteArrayInputStream(set.toByteArray()),
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, DataSetLimits.DEFAULT, recorder);
        assertEquals(3000 + 12, split.bulkLength());
        assertEquals(split.bulkLength(), recorder.bulk().length);
        assertArrayEquals(pixels, Arrays.copyOfRange(recorder.bulk(), 12, recorder.bulk().length));
        assertTrue(recorder.truncated, "the read-ahead padding was cut");
    }

    @Test
    void refusesAHeaderAboveItsBoundAndATruncatedStream() throws Exception {
        ByteArrayOutputStream set = new ByteArrayOutputStream();
        element(set, 0x0008, 0x0018, "UI", "1.2.3\0".getBytes());
        element(set, 0x0010, 0x0010, "UT", new byte[400_000]);
        element(set, 0x7FE0, 0x0010, "OW", new byte[100]);
        byte[] bytes = set.toByteArray();
        UnreadableDataSetException tooLarge = assertThrows(UnreadableDataSetException.class, () -> DataSetSplitter.split(
                new ByteArrayInputStream(bytes), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                new DataSetLimits(64, 100_000, 10_000), new Recorder()));
        assertTrue(tooLarge.getMessage().contains("exceed"), tooLarge.getMessage());
        assertThrows(UnreadableDataSetException.class, () -> DataSetSplitter.split(
                new ByteArrayInputStream(bytes, 0, bytes.length - 10), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                DataSetLimits.DEFAULT, new Recorder()));
    }

    private static void element(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
        out.write(group & 0xFF);
        out.write(group >> 8);
        out.write(element & 0xFF);
        out.write(element >> 8);
        out.writeBytes(vr.getBytes());
        boolean longForm = vr.equals("OB") || vr.equals("OW") || vr.equals("UT");
        if (longForm) {
            out.write(0);
            out.write(0);
            out.write(value.length & 0xFF);
            out.write(value.length >> 8 & 0xFF);
            out.write(value.length >> 16 & 0xFF);
            out.write(value.length >> 24 & 0xFF);
        } else {
            out.write(value.length & 0xFF);
            out.write(value.length >> 8 & 0xFF);
        }
        out.writeBytes(value);
    }

    /** Keeps what the splitter hands over. */
    private static final class Recorder implements DataSetSplitter.Handler, DataSetSplitter.Bulk {
        byte[] header;
        long structure;
        boolean truncated;
        private final ByteArrayOutputStream bulk = new ByteArrayOutputStream();

        @Override
        public DataSetSplitter.Bulk header(byte[] bytes, int length, long fingerprint) {
            header = Arrays.copyOf(bytes, length);
            structure = fingerprint;
            return this;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            bulk.write(bytes, offset, length);
        }

        @Override
        public void truncate(long bulkLength) {
            byte[] kept = Arrays.copyOf(bulk.toByteArray(), (int) bulkLength);
            bulk.reset();
            bulk.writeBytes(kept);
            truncated = true;
        }

        byte[] bulk() {
            return bulk.toByteArray();
        }
    }

    /** Returns at most {@code chunk} bytes per read (random sizes up to 64 KiB when -1), as a network would. */
    private static final class Chunked extends FilterInputStream {
        private final int chunk;
        private final Random random;

        Chunked(InputStream in, int chunk, Random random) {
            super(in);
            this.chunk = chunk;
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int limit = chunk > 0 ? chunk : 1 + random.nextInt(64 << 10);
            return super.read(b, off, Math.min(len, limit));
        }

        @Override
        public long skip(long n) {
            throw new AssertionError("the splitter must read what it skips (its bytes are the pixel data)");
        }
    }
}
