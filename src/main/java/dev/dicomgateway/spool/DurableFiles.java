package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * File system steps that survive a power cut: directory creation and renames followed by a directory fsync. What they
 * create is the service user's only: directories 0700, files 0600 ({@link OwnerOnly}).
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Creates {@code directory} and any missing parents (0700), syncing each parent that gained an entry. */
    public static void createDirectories(Path directory) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = directory; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            try {
                Files.createDirectory(next, OwnerOnly.DIRECTORY);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(next)) {
                    throw e;
                }
                continue; // another association created it (and synced its parent)
            }
            syncDirectory(next.getParent());
        }
    }

    /** Atomically renames {@code source} to {@code target} (replacing it) and syncs the target's directory. */
    public static void moveDurably(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    /** Flushes a file's content to disk. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Writes {@code bytes} to {@code target} via a synced temporary file and a durable rename. */
    public static void writeDurably(Path target, byte[] bytes) throws IOException {
        writeDurably(target, (Content<IOException>) out -> out.write(bytes));
    }

    /** Content written to an output stream; may fail with its own exception type as well as I/O errors. */
    @FunctionalInterface
    public interface Content<E extends Exception> {
        void writeTo(java.io.OutputStream out) throws IOException, E;
    }

    /**
     * Streams {@code content} to {@code target} via a synced temporary file and a durable rename: the target holds all
     * of it or keeps what it held before, mode 0600. Nothing is held in memory beyond a buffer.
     */
    public static <E extends Exception> void writeDurably(Path target, Content<E> content) throws IOException, E {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel channel = OwnerOnly.openForWriting(temporary)) {
            java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (Exception e) { // precise rethrow: IOException, E or unchecked
            java.nio.file.Files.deleteIfExists(temporary);
            throw e;
        }
        moveDurably(temporary, target);
    }

    /**
     * Makes the entries of {@code directory} durable (everything renamed or created in it before the call). Callers
     * at the same moment share one fsync ({@link GroupSync}); none returns before one that started after its call.
     */
    public static void syncDirectory(Path directory) throws IOException {
        DIRECTORY_SYNCS.sync(directory);
    }

    private static final GroupSync DIRECTORY_SYNCS = new GroupSync(DurableFiles::forceDirectory);

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Small control files (seal records, part counters, reason files) are never larger than this. */
    public static final int CONTROL_FILE_LIMIT = 64 * 1024;

    /**
     * Reads a file the gateway wrote, refusing one larger than {@code maxBytes} — a planted or damaged file must not
     * make start-up allocate what it claims. The caller treats the IOException like any unreadable file.
     */
    public static byte[] readBounded(Path file, int maxBytes) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes + " bytes: not a file the gateway wrote");
            }
            return bytes;
        }
    }

    /** {@link #readBounded} as text, for control files. */
    public static String readControlFile(Path file) throws IOException {
        return new String(readBounded(file, CONTROL_FILE_LIMIT), java.nio.charset.StandardCharsets.UTF_8);
    }
}
