package dev.dicomgateway.deliver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Passes bytes on to another stream, counting them and computing their CRC32C and MD5 as they go. Never closes it.
 *
 * <p>MD5 (about 500 MB/s in Java) costs more than everything else packaging does, so it runs on a thread of its own:
 * the bytes are copied in chunks of {@value #CHUNK} bytes to that thread, in order, at most {@value #CHUNKS_AHEAD}
 * chunks ahead of it (the memory is bounded), while CRC32C, the deflater and the writes go on here. The thread ends a
 * second after its last chunk, so a stream abandoned half-way leaves nothing running.
 */
final class ChecksummingStream extends FilterOutputStream {
    private static final int CHUNK = 256 << 10;
    private static final int CHUNKS_AHEAD = 4;

    private final CRC32C crc = new CRC32C();
    /** Touched only by {@link #md5Thread}. */
    private final MessageDigest md5 = Checksums.newMd5();
    private final ThreadPoolExecutor md5Thread = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "deliver-md5");
                thread.setDaemon(true);
                return thread;
            });
    private final Semaphore chunksFree = new Semaphore(CHUNKS_AHEAD);
    private byte[] chunk = new byte[CHUNK];
    private int chunkLength;
    private long size;

    ChecksummingStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        crc.update(bytes, offset, length);
        size += length;
        out.write(bytes, offset, length);
        while (length > 0) {
            int n = Math.min(length, CHUNK - chunkLength);
            System.arraycopy(bytes, offset, chunk, chunkLength, n);
            chunkLength += n;
            offset += n;
            length -= n;
            if (chunkLength == CHUNK) {
                handOver();
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Gives the chunk to the MD5 thread, waiting while it is {@value #CHUNKS_AHEAD} chunks behind. */
    private void handOver() {
        byte[] full = chunk;
        int length = chunkLength;
        chunksFree.acquireUninterruptibly();
        md5Thread.execute(() -> {
            try {
                md5.update(full, 0, length);
            } finally {
                chunksFree.release();
            }
        });
        chunk = new byte[CHUNK];
        chunkLength = 0;
    }

    /** Flushes, but leaves the stream beneath open: its owner finishes it (or abandons it). */
    @Override
    public void close() throws IOException {
        out.flush();
    }

    /** The checksums of everything written so far (call once, at the end). */
    Checksums checksums() throws IOException {
        if (chunkLength > 0) {
            handOver();
        }
        byte[] digest;
        try {
            digest = md5Thread.submit((java.util.concurrent.Callable<byte[]>) md5::digest).get(); // after every chunk: the thread runs them in order
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the MD5 of the archive was computed");
        } catch (ExecutionException e) {
            throw new IllegalStateException("MD5 failed", e.getCause());
        } finally {
            md5Thread.shutdown();
        }
        return new Checksums(size, Checksums.encodeCrc32c(crc.getValue()), Base64.getEncoder().encodeToString(digest));
    }
}
