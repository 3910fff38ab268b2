package dev.dicomgateway.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;

/**
 * A byte stream read through a fixed buffer, counting its position: the reader's only way to the bytes. Nothing it
 * does allocates in proportion to a length read from the input except {@link #bytes}, whose callers bound it first.
 */
final class ByteSource {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private ByteOrder order;
    private int start;
    private int end;
    private long position;

    ByteSource(InputStream in, ByteOrder order) {
        this.in = in;
        this.order = order;
    }

    void order(ByteOrder order) {
        this.order = order;
    }

    long position() {
        return position;
    }

    /** True when at least {@code count} (≤ 8) more bytes can be read. */
    boolean available(int count) throws IOException {
        while (end - start < count) {
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                return false;
            }
            end += n;
        }
        return true;
    }

    /** True when the stream has no byte left. */
    boolean atEnd() throws IOException {
        return !available(1);
    }

    private void require(int count) throws IOException {
        if (!available(count)) {
            throw new EOFException("input ends at byte " + (position + end - start));
        }
    }

    int peekU16() throws IOException {
        require(2);
        return order == ByteOrder.LITTLE_ENDIAN
                ? (buffer[start] & 0xFF) | (buffer[start + 1] & 0xFF) << 8
                : (buffer[start] & 0xFF) << 8 | (buffer[start + 1] & 0xFF);
    }

    int u16() throws IOException {
        int value = peekU16();
        start += 2;
        position += 2;
        return value;
    }

    long u32() throws IOException {
        require(4);
        long b0 = buffer[start] & 0xFF;
        long b1 = buffer[start + 1] & 0xFF;
        long b2 = buffer[start + 2] & 0xFF;
        long b3 = buffer[start + 3] & 0xFF;
        start += 4;
        position += 4;
        return order == ByteOrder.LITTLE_ENDIAN ? b0 | b1 << 8 | b2 << 16 | b3 << 24 : b3 | b2 << 8 | b1 << 16 | b0 << 24;
    }

    /** The next {@code count} bytes; the caller has bounded {@code count}. */
    byte[] bytes(int count) throws IOException {
        byte[] value = new byte[count];
        int copied = 0;
        while (copied < count) {
            if (start == end && !available(1)) {
                throw new EOFException("input ends at byte " + position);
            }
            int n = Math.min(count - copied, end - start);
            System.arraycopy(buffer, start, value, copied, n);
            start += n;
            position += n;
            copied += n;
        }
        return value;
    }

    /** Skips {@code count} bytes; an end of input before them is an {@link EOFException}. */
    void skip(long count) throws IOException {
        long buffered = Math.min(count, end - start);
        start += (int) buffered;
        position += buffered;
        long left = count - buffered;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("input ends at byte " + position);
                }
                skipped = 1;
            }
            left -= skipped;
            position += skipped;
        }
    }

    /** Skips {@code count} bytes, returning how many of them are {@code separator}. */
    long skipCounting(long count, byte separator) throws IOException {
        long found = 0;
        long left = count;
        while (left > 0) {
            if (start == end && !available(1)) {
                throw new EOFException("input ends at byte " + position);
            }
            int n = (int) Math.min(left, end - start);
            for (int i = start; i < start + n; i++) {
                if (buffer[i] == separator) {
                    found++;
                }
            }
            start += n;
            position += n;
            left -= n;
        }
        return found;
    }
}
