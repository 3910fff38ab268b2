package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
        Checksums held = Checksums.sizeAndCrc32c(file);
        return new Held(held.size(), held.crc32c());
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
