package dev.dicomgateway.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a batch as one deterministic tar.gz: entries in the order given (sorted by the caller), fixed mtime,
 * owner and mode, no directory entries, gzip header without a timestamp — so the same batch always yields the same
 * bytes and checksum. That is what lets delivery stream it: packaging computes the checksums into no file at all
 * ({@link #checksums}), the upload generates the same bytes again straight into the destination ({@link #write}), and
 * a retry after a crash finds the object it already uploaded. Never needs room on the spool; a study of any size
 * goes through a 64 KiB buffer.
 */
public final class StudyArchive {
    private static final int BLOCK = 512;
    private static final long MAX_OCTAL_SIZE = 077777777777L;

    /** One archive member: its name inside the archive and the file holding it. */
    public record Member(String name, Path file) {
    }

    private StudyArchive() {
    }

    /** The checksums of the archive of {@code members}, computed without storing its bytes anywhere. */
    public static Checksums checksums(List<Member> members, int compressionLevel) throws IOException {
        return write(members, OutputStream.nullOutputStream(), compressionLevel);
    }

    /** Writes the archive of {@code members} to {@code target} (a file); returns its checksums. */
    public static Checksums write(List<Member> members, Path target, int compressionLevel) throws IOException {
        try (OutputStream file = java.nio.channels.Channels.newOutputStream(dev.dicomgateway.spool.OwnerOnly.openForWriting(target))) {
            return write(members, file, compressionLevel);
        }
    }

    /** Writes the archive of {@code members} to {@code out}, which stays open; returns its checksums. */
    public static Checksums write(List<Member> members, OutputStream out, int compressionLevel) throws IOException {
        ChecksummingStream counted = new ChecksummingStream(out);
        try (GZIPOutputStream gzip = new GZIPOutputStream(counted, 1 << 16) {
            {
                def.setLevel(compressionLevel);
            }
        }) { // closing it ends the deflater and finishes the gzip trailer; counted leaves out open
            for (Member member : members) {
                long length = Files.size(member.file());
                gzip.write(header(member.name(), length));
                long copied = Files.copy(member.file(), gzip);
                if (copied != length) {
                    throw new IOException("staged file " + member.file() + " changed while it was archived ("
                            + length + " bytes, then " + copied + ")");
                }
                int padding = (int) ((BLOCK - length % BLOCK) % BLOCK);
                gzip.write(new byte[padding]);
            }
            gzip.write(new byte[2 * BLOCK]);
        }
        return counted.checksums();
    }

    /** A POSIX ustar header; long names use the prefix field, sizes past 8 GiB the GNU base-256 form. */
    static byte[] header(String name, long size) {
        byte[] header = new byte[BLOCK];
        String prefix = "";
        String base = name;
        if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
            int slash = name.lastIndexOf('/');
            prefix = name.substring(0, slash);
            base = name.substring(slash + 1);
        }
        put(header, 0, 100, base);
        put(header, 100, 8, "0000644");
        put(header, 108, 8, "0000000");
        put(header, 116, 8, "0000000");
        if (size <= MAX_OCTAL_SIZE) {
            put(header, 124, 12, String.format("%011o", size));
        } else {
            header[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                header[135 - i] = (byte) (size >>> (8 * i));
            }
        }
        put(header, 136, 12, "00000000000");
        header[156] = '0';
        put(header, 257, 6, "ustar");
        put(header, 263, 2, "00");
        put(header, 345, 155, prefix);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xFF;
        }
        put(header, 148, 8, String.format("%06o", checksum));
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    private static void put(byte[] header, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(length, bytes.length));
    }
}
