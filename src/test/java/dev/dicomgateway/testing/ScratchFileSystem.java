package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A small real file system of its own — a tmpfs mounted on a directory the test made — so a test can fill it to the
 * last byte (or inode) and watch the gateway get real ENOSPC errors. Mounting needs root: CI runs as root (env CI=true),
 * so there a non-root run fails with a message saying so; elsewhere the test is skipped. {@link #close()} unmounts,
 * also after a failed test.
 */
public final class ScratchFileSystem implements AutoCloseable {
    private final Path mountPoint;
    private int fillers;

    private ScratchFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code options} (e.g. "size=64m" or "size=16m,nr_inodes=200") on {@code mountPoint}. */
    public static ScratchFileSystem mount(Path mountPoint, String options) throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        if (!root) {
            String why = "this test mounts a tmpfs to fill a real file system, which needs root";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(why + "; CI runs the suite as root, so running it as another user there is a mistake");
            }
            Assumptions.abort("skipped: " + why + " (CI runs it as root)");
        }
        Files.createDirectories(mountPoint);
        Dcmtk.Result mounted = Dcmtk.run(List.of("mount", "-t", "tmpfs", "-o", options + ",mode=0700", "tmpfs",
                mountPoint.toString()));
        Assertions.assertEquals(0, mounted.exitCode(), "mount -t tmpfs on " + mountPoint + ": " + mounted.output());
        return new ScratchFileSystem(mountPoint);
    }

    public Path root() {
        return mountPoint;
    }

    public long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /**
     * Writes a filler file of incompressible bytes until only {@code leaveBytes} (rounded to whole pages) are free,
     * as another writer on the same disk would; returns it.
     */
    public Path fillLeaving(long leaveBytes) throws IOException {
        Path filler = mountPoint.resolve("filler-" + (++fillers));
        byte[] chunk = new byte[64 * 1024];
        new java.util.Random(fillers).nextBytes(chunk);
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long toWrite = usableBytes() - leaveBytes;
            while (toWrite > 0) {
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, toWrite));
                toWrite -= out.write(buffer);
            }
        }
        return filler;
    }

    /** Creates empty files until the file system has no inode left; returns them (delete some to free inodes). */
    public List<Path> useUpInodes() throws IOException {
        Path directory = Files.createDirectory(mountPoint.resolve("inodes-" + (++fillers)));
        List<Path> created = new ArrayList<>();
        while (true) {
            try {
                created.add(Files.createFile(directory.resolve(String.valueOf(created.size()))));
            } catch (IOException full) {
                Assertions.assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"),
                        "inodes ran out with ENOSPC: " + full);
                return created;
            }
        }
    }

    /** Unmounts (lazily if something still holds it, so the temporary directory can go). */
    @Override
    public void close() throws Exception {
        Dcmtk.Result unmounted = Dcmtk.run(List.of("umount", mountPoint.toString()));
        if (unmounted.exitCode() != 0) {
            Dcmtk.Result lazy = Dcmtk.run(List.of("umount", "-l", mountPoint.toString()));
            Assertions.assertEquals(0, lazy.exitCode(), "umount " + mountPoint + ": " + unmounted.output() + lazy.output());
        }
    }
}
