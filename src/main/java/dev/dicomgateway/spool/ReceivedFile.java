package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.FileMetaInformation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temporary file an instance is received into when it cannot be staged in one pass (a deflated data set, pixel
 * mask rules, passthrough): file meta header first, then the data set bytes as received, mode 0600.
 * {@link #complete()} closes it; {@link #discard()} removes it.
 */
final class ReceivedFile implements dev.dicomgateway.dicom.DataSetSplitter.Bulk {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path path;
    private FileChannel channel;
    private long bulkStart = -1;

    private ReceivedFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static ReceivedFile create(Path directory, FileMetaInformation meta) throws IOException {
        Path path = directory.resolve("rx-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".part");
        // the raw instance, names and IDs included: the service user's only from its first byte, whatever the umask
        FileChannel channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
        ReceivedFile file = new ReceivedFile(path, channel);
        try {
            byte[] header = meta.encode();
            file.write(header, 0, header.length);
        } catch (IOException e) {
            file.discard();
            throw e;
        }
        return file;
    }

    /** What is written from now on is the pixel data a {@link dev.dicomgateway.dicom.DataSetSplitter} passes on. */
    void bulkStartsHere() throws IOException {
        bulkStart = channel.position();
    }

    @Override
    public void truncate(long bulkLength) throws IOException {
        channel.truncate(bulkStart + bulkLength);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Writes the rest of {@code in} behind what is written; returns how many bytes that was. */
    long copy(java.io.InputStream in) throws IOException {
        byte[] buffer = new byte[64 << 10];
        long copied = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    /** Closes the file; returns its path. Making what is staged durable is the sink's job (it may stage a rewrite). */
    Path complete() throws IOException {
        channel.close();
        channel = null;
        return path;
    }

    /** Closes and deletes the file if it is still here (after a successful store the sink has moved it). */
    void discard() {
        StagedFile.discard(channel, path);
        channel = null;
    }
}
