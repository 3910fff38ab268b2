package dev.dicomgateway.deidentify;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Directory steps of the private area (secret, fingerprint, lookup table) that survive a power cut: a new directory
 * or file exists after a crash only once the directory holding its entry is fsynced. The spool's DurableFiles does the
 * same for the spool; de-identification comes before the spool and does not use it.
 */
final class DurableDirectory {
    private DurableDirectory() {
    }

    /** Creates {@code directory} and any missing parents (0700), fsyncing each parent that gained an entry. */
    static void create(Path directory) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = directory.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            try {
                Files.createDirectory(next, SecretKeyFile.OWNER_ONLY_DIRECTORY);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(next)) {
                    throw e;
                }
                continue; // another process created it (and synced its parent)
            }
            sync(next.getParent());
        }
    }

    /** Flushes {@code directory}'s entries to disk. */
    static void sync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
