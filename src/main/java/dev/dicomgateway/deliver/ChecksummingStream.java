package dev.dicomgateway.deliver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.CRC32C;

/** Passes bytes on to another stream, counting them and computing their CRC32C and MD5 as they go. Never closes it. */
final class ChecksummingStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    private final MessageDigest md5 = Checksums.newMd5();
    private long size;

    ChecksummingStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        crc.update(bytes, offset, length);
        md5.update(bytes, offset, length);
        size += length;
        out.write(bytes, offset, length);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Flushes, but leaves the stream beneath open: its owner finishes it (or abandons it). */
    @Override
    public void close() throws IOException {
        out.flush();
    }

    /** The checksums of everything written so far (call once, at the end). */
    Checksums checksums() {
        return new Checksums(size, Checksums.encodeCrc32c(crc.getValue()), Base64.getEncoder().encodeToString(md5.digest()));
    }
}
