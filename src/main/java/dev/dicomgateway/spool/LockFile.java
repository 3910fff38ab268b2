package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An exclusive lock on a file (POSIX {@code fcntl}, through {@link FileChannel#tryLock}) that says which process holds
 * it: the holder writes one line into the file. The operating system releases it when the process ends, however it
 * ends, so a lock that can be taken belongs to nobody alive.
 *
 * <p>POSIX releases every lock a process holds on a file when the process closes <em>any</em> descriptor of that
 * file. So within this JVM a held lock file is never opened again: the locks this JVM holds are kept here, by file
 * key (device and inode, which a rename keeps), and every question about a lock file goes through this class. Code
 * elsewhere must not open a lock file.
 */
final class LockFile implements AutoCloseable {
    /** The locks this JVM holds, by file key; guarded by itself, which also orders every open of a lock file. */
    private static final Map<Object, LockFile> HELD = new HashMap<>();
    private static final int MAX_TEXT = 1024;

    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private LockFile(Object key, FileChannel channel, FileLock lock, String holder) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Takes the lock on {@code file} (created 0600 if missing) and writes {@code holder} into it; empty when another
     * process, or this one, holds it.
     */
    static Optional<LockFile> tryAcquire(Path file, String holder) throws IOException {
        synchronized (HELD) {
            Optional<Object> existing = fileKey(file);
            if (existing.isPresent() && HELD.containsKey(existing.get())) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), OwnerOnly.FILE);
            return lockAndRecord(file, channel, holder, false);
        }
    }

    /** Like {@link #tryAcquire} but waits while another process holds it (for a lock that is held only briefly by others). */
    static LockFile acquire(Path file, String holder) throws IOException {
        synchronized (HELD) {
            Optional<Object> existing = fileKey(file);
            if (existing.isPresent() && HELD.containsKey(existing.get())) {
                throw new IOException(file + " is locked by this process already");
            }
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), OwnerOnly.FILE);
            return lockAndRecord(file, channel, holder, true).orElseThrow();
        }
    }

    /**
     * The lock on an existing {@code file} when no live process holds it, its text left as the last holder wrote it
     * (see {@link #holder()}); empty when a live process holds it. Throws {@link NoSuchFileException} when missing.
     */
    static Optional<LockFile> tryTakeOver(Path file) throws IOException {
        synchronized (HELD) {
            Optional<Object> existing = fileKey(file);
            if (existing.isEmpty()) {
                throw new NoSuchFileException(file.toString());
            }
            if (HELD.containsKey(existing.get())) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return lockAndRecord(file, channel, null, false);
        }
    }

    /** What the live holder of {@code file} wrote into it; empty when no live process holds it (or it is missing). */
    static Optional<String> liveHolder(Path file) throws IOException {
        synchronized (HELD) {
            Optional<Object> existing = fileKey(file);
            if (existing.isEmpty()) {
                return Optional.empty();
            }
            LockFile ours = HELD.get(existing.get());
            if (ours != null) {
                return Optional.of(ours.holder);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = channel.tryLock();
                if (probe != null) {
                    probe.release();
                    return Optional.empty();
                }
                return Optional.of(read(channel));
            }
        }
    }

    /** The text in the file: this process's line, or, after {@link #tryTakeOver}, what the last holder wrote. */
    String holder() {
        return holder;
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            HELD.remove(key, this);
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** Locks {@code channel}; writes {@code holder} (null: keeps the text) and records the lock. Closes it on failure. */
    private static Optional<LockFile> lockAndRecord(Path file, FileChannel channel, String holder, boolean wait)
            throws IOException {
        try {
            FileLock lock;
            try {
                lock = wait ? channel.lock() : channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null; // only through a channel opened outside this class; this JVM holds it either way
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            String text;
            if (holder == null) {
                text = read(channel);
            } else {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(true);
                text = holder;
            }
            Object key = fileKey(file).orElseThrow(() -> new NoSuchFileException(file.toString()));
            LockFile locked = new LockFile(key, channel, lock, text);
            HELD.put(key, locked);
            return Optional.of(locked);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_TEXT);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // a holder line is short; anything longer is cut
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    }

    private static Optional<Object> fileKey(Path file) throws IOException {
        try {
            return Optional.ofNullable(Files.readAttributes(file, BasicFileAttributes.class).fileKey());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
