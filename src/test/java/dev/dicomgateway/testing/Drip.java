package dev.dicomgateway.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * A peer that is slow on purpose: sends one piece per interval on its own thread until the pieces run out, the
 * connection fails (the gateway closed it) or the drip is closed.
 */
public final class Drip implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int sent;

    private Drip(Duration interval, RawScu scu, IntFunction<byte[]> pieces) {
        this.thread = new Thread(() -> {
            for (int i = 0; !stopped; i++) {
                byte[] piece = pieces.apply(i);
                if (piece == null) {
                    return;
                }
                try {
                    scu.send(piece);
                    sent = i + 1;
                    Thread.sleep(interval.toMillis());
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "drip");
        thread.setDaemon(true);
    }

    /** Starts sending {@code pieces.apply(0)}, {@code pieces.apply(1)} … (null ends) every {@code interval}. */
    public static Drip every(Duration interval, RawScu scu, IntFunction<byte[]> pieces) {
        Drip drip = new Drip(interval, scu, pieces);
        drip.thread.start();
        return drip;
    }

    /** The bytes of {@code bytes}, one per piece. */
    public static IntFunction<byte[]> byteByByte(byte[] bytes) {
        return i -> i < bytes.length ? new byte[] {bytes[i]} : null;
    }

    /** How many pieces went out. */
    public int sent() {
        return sent;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5_000);
    }
}
