package dev.dicomgateway.receive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake of an admitted connection, run on the connection's own thread (never the accept thread) under
 * one deadline, dicom.associationRequestTimeout: a timer closes the connection when it passes, so a peer that sends
 * its handshake a byte at a time cannot hold the thread. The first byte is read before TLS is layered on: anything
 * but a TLS handshake record (a plain DICOM A-ASSOCIATE-RQ starts with 0x01) is refused as not_tls. Every failure is
 * counted by reason and logged at most once a minute per address (address and reason only).
 */
final class TlsHandshake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshake.class);
    /** The content type of a TLS record that carries a handshake message (RFC 8446 5.1): a ClientHello starts so. */
    private static final int HANDSHAKE_RECORD = 0x16;

    private final TlsServerContext context;
    private final Duration timeout;
    private final ReceiveMetrics metrics;
    private final PeerLogThrottle logThrottle = new PeerLogThrottle(Clock.systemUTC());
    private final ScheduledThreadPoolExecutor deadlines;

    TlsHandshake(TlsServerContext context, Duration timeout, ReceiveMetrics metrics) {
        this.context = context;
        this.timeout = timeout;
        this.metrics = metrics;
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "dicom-tls-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true); // a finished handshake's deadline does not linger in the queue
    }

    /** The connection with TLS established, or empty (the failure counted and the connection closed). */
    Optional<SSLSocket> perform(Socket connection) {
        InetAddress peer = connection.getInetAddress();
        AtomicBoolean timedOut = new AtomicBoolean(); // set before the timer closes, so the failure it causes is read right
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            timedOut.set(true);
            closeQuietly(connection);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        HandshakeFailure failure;
        try {
            connection.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            int first = connection.getInputStream().read();
            if (first < 0) {
                failure = HandshakeFailure.CLOSED;
            } else if (first != HANDSHAKE_RECORD) {
                failure = HandshakeFailure.NOT_TLS;
            } else {
                SSLSocket socket = context.layer(connection, new byte[] {(byte) first});
                socket.startHandshake();
                if (deadline.cancel(false)) {
                    socket.setSoTimeout(0); // the association sets its own deadlines from here on
                    return Optional.of(socket);
                }
                failure = HandshakeFailure.TIMEOUT; // done just as the timer closed the connection
            }
        } catch (SocketTimeoutException e) {
            failure = HandshakeFailure.TIMEOUT;
        } catch (SSLException e) {
            failure = timedOut.get() ? HandshakeFailure.TIMEOUT : HandshakeFailure.of(e);
            LOG.debug("TLS handshake with {} failed", peer.getHostAddress(), e);
        } catch (IOException e) {
            failure = timedOut.get() ? HandshakeFailure.TIMEOUT
                    : e instanceof java.io.EOFException || e instanceof java.net.SocketException ? HandshakeFailure.CLOSED
                    : HandshakeFailure.OTHER;
            LOG.debug("TLS handshake with {} failed", peer.getHostAddress(), e);
        }
        deadline.cancel(false);
        closeQuietly(connection);
        metrics.handshakeFailed(failure);
        HandshakeFailure reason = failure;
        logThrottle.admit(peer).ifPresent(unloggedBefore -> LOG.warn("TLS handshake with {} failed: {} ({}){}",
                peer.getHostAddress(), reason.label(), reason.hint(),
                unloggedBefore == 0 ? "" : "; " + unloggedBefore + " more failures from it since the last such line"));
        return Optional.empty();
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a connection that failed or timed out
        }
    }
}
