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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM port: our own accept loop (so TLS and connection limits stay in our hands), one thread per connection.
 * Connections beyond dicom.maxAssociations still get a thread long enough to be answered with a transient
 * A-ASSOCIATE-RJ; beyond that margin they are closed at once, as is a connection from a peer address that already
 * holds dicom.maxAssociationsPerPeer connections. A connection from an address outside dicom.allowedPeers is closed
 * before anything is read from it.
 */
public final class DicomListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DicomListener.class);
    private static final int REJECTION_MARGIN = 16;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final GatewayConfig.Dicom settings;
    private final InstanceSink sink;
    private final ReceiveMetrics metrics;
    private final AssociationAdmission admission;
    private final AssociationLimit limit;
    private final PresentationContextPolicy policy = new PresentationContextPolicy();
    private final PeerConnections peers;
    private final PeerAllowList allowedPeers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong associationIds = new AtomicLong();
    private ServerSocket serverSocket;
    private Thread acceptThread;
    private volatile boolean closing;

    public DicomListener(GatewayConfig.Dicom settings, InstanceSink sink, ReceiveMetrics metrics) {
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.admission = new AssociationAdmission(settings);
        this.limit = new AssociationLimit(settings.maxAssociations());
        this.peers = new PeerConnections(settings.maxAssociationsPerPeer());
        this.allowedPeers = new PeerAllowList(settings.allowedPeers(), java.time.Clock.systemUTC());
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
            if (!allowedPeers.allows(peer)) {
                metrics.association(AssociationResult.REJECTED_PEER_NOT_ALLOWED);
                closeQuietly(socket);
                allowedPeers.refused(peer);
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
            Association association = new Association(id, socket, settings, admission, limit, policy, sink, metrics);
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

    /** Stops accepting, gives open associations a short grace period, then closes them (unacknowledged data is resent by senders). */
    @Override
    public void close() {
        closing = true;
        if (serverSocket != null) {
            closeQuietly(serverSocket);
        }
        if (acceptThread != null) {
            try {
                acceptThread.join(SHUTDOWN_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(DicomListener::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing on the way out
        }
    }

}
