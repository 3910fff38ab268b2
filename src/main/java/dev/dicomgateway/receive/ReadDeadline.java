package dev.dicomgateway.receive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A socket's input with one deadline for many reads: before each read the socket timeout is set to the time left,
 * and once the deadline has passed every read fails with {@link SocketTimeoutException}. A peer sending one byte at a
 * time therefore cannot stretch a timeout that a per-read timeout would restart with every byte.
 */
final class ReadDeadline extends FilterInputStream {
    private final Socket socket;
    private long deadline;

    ReadDeadline(Socket socket, Duration timeout) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        extend(timeout);
    }

    /** Moves the deadline to {@code timeout} from now. */
    void extend(Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        arm();
        return super.read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        arm();
        return super.read(bytes, offset, length);
    }

    @Override
    public long skip(long count) throws IOException {
        arm();
        return super.skip(count);
    }

    private void arm() throws SocketException, SocketTimeoutException {
        long remainingNanos = deadline - System.nanoTime();
        if (remainingNanos <= 0) {
            throw new SocketTimeoutException("read deadline passed");
        }
        long millis = Math.max(1, (remainingNanos + 999_999) / 1_000_000);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }
}
