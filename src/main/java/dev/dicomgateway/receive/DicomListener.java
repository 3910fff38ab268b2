package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM port: our own accept loop (so TLS and connection limits stay in our hands), one thread per connection.
 * Connections beyond dicom.maxAssociations still get a thread long enough to be answered with a transient
 * A-ASSOCIATE-RJ; beyond that margin they are closed at once, as is a connection from a peer address that already
 * holds dicom.maxAssociationsPerPeer connections. A connection from an address outside dicom.allowedPeers is closed
 * before anything is read from it.
 *
 * <p>Stopping is two steps, in one place whatever the number of server sockets: {@link #stopAccepting} closes the
 * listening socket at once, {@link #drain} waits (dicom.shutdownTimeout) for the associations in flight to end, and
 * {@link #abortRemaining} closes what is left. {@link #apply} swaps the allow-lists a reload changed; an open
 * association keeps the ones it was admitted under.
 */
public final class DicomListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DicomListener.class);
    private static final int REJECTION_MARGIN = 16;
    /** How long the accept loop may take to notice its socket is closed. */
    private static final Duration ACCEPT_STOP = Duration.ofSeconds(5);
    /** After an abort, how long association threads get to discard their partial instances (or finish a staging). */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(10);

    private final GatewayConfig.Dicom settings;
    private final InstanceSink sink;
    private final ReceiveMetrics metrics;
    private final AtomicReference<ReceivePolicy> receivePolicy;
    private final AssociationLimit limit;
    private final PresentationContextPolicy policy = new PresentationContextPolicy();
    private final PeerConnections peers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong associationIds = new AtomicLong();
    private ServerSocket serverSocket;
    private Thread acceptThread;
    private volatile boolean closing;
    private volatile boolean drainCutShort;

    public DicomListener(GatewayConfig.Dicom settings, InstanceSink sink, ReceiveMetrics metrics) {
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.receivePolicy = new AtomicReference<>(ReceivePolicy.from(settings));
        this.limit = new AssociationLimit(settings.maxAssociations());
        this.peers = new PeerConnections(settings.maxAssociationsPerPeer());
    }

    /** Binds the port and starts accepting. */
    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for DICOM on " + settings.bind() + ":" + settings.port() + ": "
                    + e.getMessage() + " (dicom.bind / dicom.port; is another process using the port, or is it below 1024 without privileges?)", e);
        }
        serverSocket = socket;
        acceptThread = new Thread(this::acceptLoop, "dicom-accept-" + port());
        acceptThread.start();
        LOG.info("DICOM listener on {}:{} called_ae={} max_associations={} max_associations_per_peer={} allowed_peers={}",
                settings.bind(), port(), settings.aeTitle(), settings.maxAssociations(), settings.maxAssociationsPerPeer(),
                settings.allowedPeers().isEmpty() ? "any" : settings.allowedPeers());
    }

    /** The bound port (useful when dicom.port is 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    public boolean isListening() {
        return serverSocket != null && !serverSocket.isClosed() && !closing;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.error("DICOM accept failed; listener stopped", e);
                }
                return;
            }
            InetAddress peer = socket.getInetAddress();
            ReceivePolicy admitting = receivePolicy.get(); // once: this connection keeps it, whatever a reload does later
            if (!admitting.peers().allows(peer)) {
                metrics.association(AssociationResult.REJECTED_PEER_NOT_ALLOWED);
                closeQuietly(socket);
                admitting.peers().refused(peer);
                continue;
            }
            if (connections.size() >= settings.maxAssociations() + REJECTION_MARGIN) {
                metrics.association(AssociationResult.OVERLOAD);
                closeQuietly(socket);
                continue;
            }
            if (!peers.tryOpen(peer)) {
                metrics.association(AssociationResult.REJECTED_PEER_LIMIT);
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            long id = associationIds.incrementAndGet();
            Association association = new Association(id, socket, settings, admitting, limit, policy, sink, metrics);
            Thread thread = new Thread(() -> {
                try {
                    association.run();
                } finally {
                    connections.remove(socket);
                    peers.closed(peer);
                }
            }, "dicom-association-" + id);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Applies the reloadable settings of {@code reloaded} (dicom.allowedCallingAeTitles, dicom.allowedPeers) to the
     * connections accepted from now on; associations already open keep what they were admitted under.
     */
    public void apply(GatewayConfig.Dicom reloaded) {
        receivePolicy.set(ReceivePolicy.from(reloaded));
    }

    /** Closes the listening socket: from now on connections are refused by the operating system. */
    public void stopAccepting() {
        closing = true;
        if (serverSocket != null) {
            closeQuietly(serverSocket);
        }
        if (acceptThread != null && acceptThread != Thread.currentThread()) {
            try {
                acceptThread.join(ACCEPT_STOP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Connections open now (negotiating or associated). */
    public int inFlight() {
        return connections.size();
    }

    /**
     * Waits until every connection has ended, at most {@code timeout} or until {@link #cutDrainShort}; true when none
     * is left.
     */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && !drainCutShort && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return connections.isEmpty();
    }

    /** Ends a {@link #drain} in progress (and any later one) at once: a second SIGTERM. */
    public void cutDrainShort() {
        drainCutShort = true;
    }

    /**
     * Closes every connection still open; their threads discard the partial instances (never acknowledged, so the
     * senders resend them). Returns how many were closed, after waiting a short while for those threads to end, so
     * the spool is not closed under a staging still in progress.
     */
    public int abortRemaining() {
        int aborted = connections.size();
        connections.forEach(DicomListener::closeQuietly);
        long deadline = System.nanoTime() + ABORT_GRACE.toNanos();
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return aborted;
    }

    /**
     * Stops accepting, lets the associations in flight finish within dicom.shutdownTimeout, then aborts the rest
     * (unacknowledged data is resent by senders).
     */
    @Override
    public void close() {
        stopAccepting();
        Duration timeout = settings.shutdownTimeout();
        String bound = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
        LOG.info("stopping: {} associations in flight, waiting up to {} (dicom.shutdownTimeout)", inFlight(), bound);
        if (!drain(timeout)) {
            int aborted = abortRemaining();
            LOG.warn("stopping: aborted {} association(s) still open {}; their unacknowledged instances are resent by "
                    + "the senders", aborted, drainCutShort ? "at a second stop signal" : "after " + bound + " (dicom.shutdownTimeout)");
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing on the way out
        }
    }

}
