package dev.dicomgateway.deliver;

import dev.dicomgateway.spool.DurableFiles;
import dev.dicomgateway.spool.OwnerOnly;
import dev.dicomgateway.spool.WriteAccess;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * destination.type=local: objects as files under destination.local.dir, named exactly as in a bucket. Streamed to a
 * temporary name beside the object (never via the spool), synced, then linked into place (which never replaces an
 * existing object). The embedded default,
 * so the whole mission runs on one machine without any cloud account. Directories are 0700 and objects 0600.
 */
public final class LocalDirectoryStore implements ObjectStore {
    private final Path root;

    public LocalDirectoryStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new PermanentDeliveryException("object name " + name + " escapes destination.local.dir", null);
        }
        Checksums checksums = content.checksums();
        try {
            if (Files.exists(target)) {
                return existing(target, name, checksums);
            }
            DurableFiles.createDirectories(target.getParent());
            Path temporary = target.resolveSibling("." + target.getFileName() + ".part");
            write(content, temporary);
            try {
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(temporary);
                return existing(target, name, checksums);
            }
            Files.delete(temporary);
            DurableFiles.syncDirectory(target.getParent());
            if (!Checksums.sizeAndCrc32cMatch(target, checksums)) {
                throw new TransientDeliveryException("object " + name + " does not match its checksum after writing", null);
            }
            return target.toUri().toString();
        } catch (IOException e) {
            throw new TransientDeliveryException("cannot write " + target + ": " + e.getMessage()
                    + WriteAccess.hint(target, "destination.local.dir", "the service user needs write access and free space"), e);
        }
    }

    /** Streams {@code content} into {@code temporary} (0600 from its first byte, in directories made 0700) and syncs it. */
    private static void write(ObjectContent content, Path temporary) throws IOException, ContentChangedException {
        try (FileChannel channel = OwnerOnly.openForWriting(temporary)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | ContentChangedException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static String existing(Path target, String name, Checksums checksums) throws IOException, DeliveryException {
        if (Checksums.sizeAndCrc32cMatch(target, checksums)) {
            return target.toUri().toString(); // delivered before a crash: nothing to do
        }
        throw new ObjectNameTakenException("object " + name + " already exists with other content; not overwritten");
    }

    @Override
    public java.util.List<CheckResult> check() {
        return java.util.List.of(LocalDirectoryCheck.writable("destination.local.dir", root));
    }
}
