package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.DataSetSplitter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file an instance is staged from in one pass, in spool tmp/ (mode 0600 from its first byte): the de-identified
 * header, then the pixel data as it arrives — each byte written once and never read back before the acknowledgement.
 * A large file is handed to {@link WriteBehind} as it grows, so the fsync of {@link #complete()} has little left.
 */
final class StagedFile implements DataSetSplitter.Bulk, AutoCloseable {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path path;
    private final WriteBehind writeBehind;
    private FileChannel channel;
    private long headerLength = -1;
    private long written;
    private long writtenBack;

    private StagedFile(Path path, FileChannel channel, WriteBehind writeBehind) {
        this.path = path;
        this.channel = channel;
        this.writeBehind = writeBehind;
    }

    static StagedFile create(Path directory, WriteBehind writeBehind) throws IOException {
        Path path = directory.resolve("st-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".part");
        return new StagedFile(path, FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                OwnerOnly.FILE), writeBehind);
    }

    /**
     * Where the file meta group and the de-identified attributes before the pixel data are written, first and once;
     * {@link #headerWritten()} ends them.
     */
    OutputStream header() {
        if (headerLength >= 0 || written > 0) {
            throw new IllegalStateException("the header is written once");
        }
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                StagedFile.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                StagedFile.this.write(bytes, offset, length);
            }
        };
    }

    /** The header is complete: what is written from now on is pixel data. */
    void headerWritten() {
        headerLength = written;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        if (written - writtenBack >= WriteBehind.CHUNK) {
            writtenBack = written;
            writeBehind.start(channel);
        }
    }

    @Override
    public void truncate(long bulkLength) throws IOException {
        written = headerLength + bulkLength;
        channel.truncate(written);
    }

    long size() {
        return written;
    }

    /** Syncs and closes the file; returns its path (the caller renames it into place). */
    Path complete() throws IOException {
        channel.force(true);
        channel.close();
        channel = null;
        return path;
    }

    /** Closes and deletes the file unless {@link #complete()} handed it over and it has been moved. */
    @Override
    public void close() {
        discard(channel, path);
        channel = null;
    }

    /** Closes {@code channel} (if open) and deletes {@code path} if it is still there; a temporary file's end. */
    static void discard(FileChannel channel, Path path) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a file we are about to delete; nothing to recover
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // left for the start-up sweep of the temporary directory
        }
    }
}
