package dev.dicomgateway.deliver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a batch as one deterministic tar.gz: entries in the order given (sorted by the caller), fixed mtime,
 * owner and mode, no directory entries, gzip header without a timestamp — so the same batch always yields the same
 * bytes and checksum, and a retry after a crash finds the object it already uploaded. Streams: a study of any size
 * packages with a 64 KiB buffer.
 */
public final class StudyArchive {
    private static final int BLOCK = 512;
    private static final long MAX_OCTAL_SIZE = 077777777777L;

    /** One archive member: its name inside the archive and the file holding it. */
    public record Member(String name, Path file) {
    }

    private StudyArchive() {
    }

    /** Writes {@code members} to {@code target}; returns its checksums. */
    public static Checksums write(List<Member> members, Path target, int compressionLevel) throws IOException {
        CRC32C crc = new CRC32C();
        MessageDigest md5 = Checksums.newMd5();
        long[] size = new long[1];
        try (OutputStream file = java.nio.channels.Channels.newOutputStream(dev.dicomgateway.spool.OwnerOnly.openForWriting(target));
             OutputStream counted = new FilterOutputStream(file) {
                 @Override
                 public void write(byte[] b, int off, int len) throws IOException {
                     crc.update(b, off, len);
                     md5.update(b, off, len);
                     size[0] += len;
                     out.write(b, off, len);
                 }

                 @Override
                 public void write(int b) throws IOException {
                     write(new byte[] {(byte) b}, 0, 1);
                 }
             };
             GZIPOutputStream gzip = new GZIPOutputStream(counted, 1 << 16) {
                 {
                     def.setLevel(compressionLevel);
                 }
             }) {
            for (Member member : members) {
                long length = Files.size(member.file());
                gzip.write(header(member.name(), length));
                Files.copy(member.file(), gzip);
                int padding = (int) ((BLOCK - length % BLOCK) % BLOCK);
                gzip.write(new byte[padding]);
            }
            gzip.write(new byte[2 * BLOCK]);
        }
        return new Checksums(size[0], Checksums.encodeCrc32c(crc.getValue()), Base64.getEncoder().encodeToString(md5.digest()));
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
