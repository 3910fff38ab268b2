package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** destination.type=local for verify: files under destination.local.dir, their CRC32C computed by reading them. */
final class LocalDeliveredObjects implements DeliveredObjects {
    private final Path root;

    LocalDeliveredObjects(Path directory) {
        this.root = directory.toAbsolutePath().normalize();
    }

    private Path file(String name) {
        Path file = root.resolve(name).normalize();
        return file.startsWith(root) && Files.isRegularFile(file) ? file : null;
    }

    @Override
    public Held held(String name) throws IOException {
        Path file = file(name);
        if (file == null) {
            return null;
        }
        CRC32C crc = new CRC32C();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
                size += n;
            }
        }
        return new Held(size, Checksums.encodeCrc32c(crc.getValue()));
    }

    @Override
    public InputStream open(String name) throws IOException {
        Path file = file(name);
        if (file == null) {
            throw new java.nio.file.NoSuchFileException(root.resolve(name).toString());
        }
        return Files.newInputStream(file);
    }

    @Override
    public String where() {
        return root.toString();
    }
}
