package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM ports — plain (dicom.port) and TLS (dicom.tls.port), either or both — with our own accept loop (so TLS
 * and connection limits stay in our hands), one thread per connection; the limits are shared by both ports.
 * Connections beyond dicom.maxAssociations still get a thread long enough to be answered with a transient
 * A-ASSOCIATE-RJ; beyond that margin they are closed at once, as is a connection from a peer address that already
 * holds dicom.maxAssociationsPerPeer connections. A connection from an address outside dicom.allowedPeers is closed
 * before anything is read from it. On the TLS port, the handshake follows on the connection's own thread
 * ({@link TlsHandshake}), before the association.
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
    private final Optional<TlsServerContext> tlsContext;
    private final Optional<TlsHandshake> tls;
    private ServerSocket plainSocket;
    private ServerSocket tlsSocket;
    private final List<Thread> acceptThreads = new ArrayList<>();
    private volatile boolean closing;

    /** Reads the TLS key material now (when dicom.tls.enabled), so a file gone since the configuration was loaded fails here. */
    public DicomListener(GatewayConfig.Dicom settings, InstanceSink sink, ReceiveMetrics metrics) throws IOException {
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.admission = new AssociationAdmission(settings);
        this.limit = new AssociationLimit(settings.maxAssociations());
        this.peers = new PeerConnections(settings.maxAssociationsPerPeer());
        this.allowedPeers = new PeerAllowList(settings.allowedPeers(), Clock.systemUTC());
        if (settings.tls().isPresent()) {
            TlsServerContext context = TlsServerContext.create(settings.tls().get());
            this.tlsContext = Optional.of(context);
            this.tls = Optional.of(new TlsHandshake(context, settings.associationRequestTimeout(), metrics));
            metrics.tlsEnabled(context.certificateExpiry());
        } else {
            this.tlsContext = Optional.empty();
            this.tls = Optional.empty();
        }
    }

    /** Binds the enabled ports and starts accepting on each. */
    public void start() throws IOException {
        if (settings.plainEnabled()) {
            plainSocket = bind(settings.port(), "dicom.port");
            startAccepting(plainSocket, false);
            LOG.info("DICOM listener on {}:{} called_ae={} max_associations={} max_associations_per_peer={} allowed_peers={}",
                    settings.bind(), port(), settings.aeTitle(), settings.maxAssociations(), settings.maxAssociationsPerPeer(),
                    settings.allowedPeers().isEmpty() ? "any" : settings.allowedPeers());
        }
        if (tlsContext.isPresent()) {
            try {
                tlsSocket = bind(settings.tls().get().port(), "dicom.tls.port");
            } catch (IOException e) {
                close();
                throw e;
            }
            startAccepting(tlsSocket, true);
            TlsServerContext context = tlsContext.get();
            LOG.info("DICOM TLS listener on {}:{} protocols={} client_auth={} certificate_expires={} called_ae={} "
                    + "allowed_peers={}", settings.bind(), tlsPort(), context.protocols(),
                    settings.tls().get().clientAuth().name().toLowerCase(Locale.ROOT), context.certificateExpiry(),
                    settings.aeTitle(), settings.allowedPeers().isEmpty() ? "any" : settings.allowedPeers());
            if (context.certificateExpiry().isBefore(Instant.now())) {
                LOG.warn("the DICOM TLS server certificate expired at {}: clients will refuse it (renew dicom.tls.certificate "
                        + "and restart)", context.certificateExpiry());
            }
        }
    }

    private ServerSocket bind(int port, String portKey) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bind()), port), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for DICOM on " + settings.bind() + ":" + port + ": "
                    + e.getMessage() + " (dicom.bind / " + portKey + "; is another process using the port, or is it below 1024 without privileges?)", e);
        }
        return socket;
    }

    private void startAccepting(ServerSocket socket, boolean secure) {
        Thread thread = new Thread(() -> acceptLoop(socket, secure), "dicom-accept-" + socket.getLocalPort());
        acceptThreads.add(thread);
        thread.start();
    }

    /** The bound plain port (useful when dicom.port is 0); only when dicom.plain.enabled. */
    public int port() {
        if (plainSocket == null) {
            throw new IllegalStateException("the plain DICOM port is not enabled (dicom.plain.enabled false)");
        }
        return plainSocket.getLocalPort();
    }

    /** The bound TLS port (useful when dicom.tls.port is 0); only when dicom.tls.enabled. */
    public int tlsPort() {
        if (tlsSocket == null) {
            throw new IllegalStateException("the DICOM TLS port is not enabled (dicom.tls.enabled false)");
        }
        return tlsSocket.getLocalPort();
    }

    /** Whether every enabled port is listening. */
    public boolean isListening() {
        return !closing && (plainSocket != null || tlsSocket != null)
                && (!settings.plainEnabled() || (plainSocket != null && !plainSocket.isClosed()))
                && (tlsContext.isEmpty() || (tlsSocket != null && !tlsSocket.isClosed()));
    }

    private void acceptLoop(ServerSocket serverSocket, boolean secure) {
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
                metrics.association("rejected_peer_not_allowed");
                closeQuietly(socket);
                allowedPeers.refused(peer);
                continue;
            }
            if (connections.size() >= settings.maxAssociations() + REJECTION_MARGIN) {
                metrics.association("overload");
                closeQuietly(socket);
                continue;
            }
            if (!peers.tryOpen(peer)) {
                metrics.association("rejected_peer_limit");
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            long id = associationIds.incrementAndGet();
            Thread thread = new Thread(() -> {
                try {
                    Optional<? extends Socket> ready = secure ? tls.get().perform(socket) : Optional.of(socket);
                    ready.ifPresent(connection ->
                            new Association(id, connection, settings, admission, limit, policy, sink, metrics).run());
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
        for (ServerSocket socket : new ServerSocket[] {plainSocket, tlsSocket}) {
            if (socket != null) {
                closeQuietly(socket);
            }
        }
        for (Thread acceptThread : acceptThreads) {
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
        tls.ifPresent(TlsHandshake::close);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // closing on the way out
        }
    }

}
