package dev.dicomgateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Modes of everything the gateway writes under spool.dir, destination.local.dir and metadata.local.dir: directories
 * 0700, files 0600, given at creation (a umask can only take bits away, so the file is never readable by others, not
 * even for its first byte), and a start-up walk that takes group and other bits off what an older version, a restore
 * or an operator left behind.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    public static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    public static final FileAttribute<Set<PosixFilePermission>> DIRECTORY = PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {
    }

    /** True when group or others have any permission in {@code permissions}. */
    public static boolean sharesWithOthers(Set<PosixFilePermission> permissions) {
        return permissions.stream().anyMatch(GROUP_AND_OTHERS::contains);
    }

    /** Opens a new (or truncated) file 0600 for writing; an existing file is set to 0600 before anything is written. */
    public static FileChannel openForWriting(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), FILE);
        try {
            Files.setPosixFilePermissions(file, FILE_MODE); // it may have existed (a crash's leftover) with another mode
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Copies {@code source} to {@code target} (replacing it), the copy 0600 from its first byte. */
    public static void copy(Path source, Path target) throws IOException {
        try (FileChannel channel = openForWriting(target); OutputStream out = Channels.newOutputStream(channel);
             InputStream in = Files.newInputStream(source)) {
            in.transferTo(out);
        }
    }

    /**
     * Takes group and other permissions off {@code root} and everything below it (symbolic links are not followed);
     * returns how many paths were changed. A missing root changes nothing.
     */
    public static int tighten(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        int[] changed = new int[1];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                tightenOne(directory);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() || attributes.isDirectory()) {
                    tightenOne(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed while walking (a delivery, a sweep)
                }
                throw e;
            }

            private void tightenOne(Path path) throws IOException {
                try {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                    if (sharesWithOthers(permissions)) {
                        permissions.removeAll(GROUP_AND_OTHERS);
                        Files.setPosixFilePermissions(path, permissions);
                        changed[0]++;
                    }
                } catch (NoSuchFileException gone) {
                    // removed while walking
                }
            }
        });
        return changed[0];
    }
}
