package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bytes of one object and the checksums recorded for them when the batch was packaged: a staged file as it is, or
 * a study archive generated from the batch's files while it is uploaded (never packaged on the spool first, so
 * delivery needs no room there). {@link #writeTo} produces the bytes as often as a store asks — a retry gets the same
 * bytes — and checks them against {@link #checksums()} before it returns, so a store finishes an object only when
 * its bytes are the recorded ones.
 */
public final class ObjectContent {
    /** Writes the bytes to a stream; returns the checksums of what it wrote. */
    @FunctionalInterface
    private interface Source {
        Checksums writeTo(OutputStream out) throws IOException;
    }

    private final String description;
    private final Source source;
    private final Checksums checksums;

    private ObjectContent(String description, Source source, Checksums checksums) {
        this.description = description;
        this.source = source;
        this.checksums = checksums;
    }

    /** The content of {@code file}, recorded with {@code checksums}. */
    public static ObjectContent ofFile(Path file, Checksums checksums) {
        return new ObjectContent(file.toString(), out -> {
            ChecksummingStream counted = new ChecksummingStream(out);
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(counted);
            }
            counted.close();
            return counted.checksums();
        }, checksums);
    }

    /** The deterministic tar.gz of {@code members} ({@link StudyArchive}, which checksums as it writes), recorded with {@code checksums}. */
    static ObjectContent ofArchive(String description, List<StudyArchive.Member> members, int compressionLevel,
                                   Checksums checksums) {
        return new ObjectContent(description, out -> StudyArchive.write(members, out, compressionLevel), checksums);
    }

    /** Size, CRC32C and MD5 the bytes must have (sent to the store to verify, compared with what it reports). */
    public Checksums checksums() {
        return checksums;
    }

    /**
     * Writes every byte to {@code out} (left open), then compares what was written with {@link #checksums()}: on a
     * difference it throws before the caller can finish the object, which must then be abandoned.
     */
    public void writeTo(OutputStream out) throws IOException, ContentChangedException {
        Checksums written = source.writeTo(out);
        out.flush();
        if (!written.equals(checksums)) {
            throw new ContentChangedException(description + " is not what was packaged: " + written.size() + " bytes, CRC32C "
                    + written.crc32c() + " instead of " + checksums.size() + " bytes, CRC32C " + checksums.crc32c());
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
