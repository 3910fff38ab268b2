package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    /** How long the accept loop waits after a failed accept (out of file descriptors) before it tries again. */
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);
    /** After an abort, how long association threads get to discard their partial instances (or finish a staging). */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(10);

    private final GatewayConfig.Dicom settings;
    private final InstanceSink sink;
    private final ReceiveMetrics metrics;
    private final StorageCommitmentService commitments;
    private final AtomicReference<ReceivePolicy> receivePolicy;
    private final AssociationLimit limit;
    private final PresentationContextPolicy policy = new PresentationContextPolicy();
    private final PeerConnections peers;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong associationIds = new AtomicLong();
    private final Optional<TlsServerContext> tlsContext;
    private final Optional<TlsHandshake> tls;
    private ServerSocket plainSocket;
    private ServerSocket tlsSocket;
    private final List<Thread> acceptThreads = new ArrayList<>();
    private volatile boolean closing;
    private volatile boolean drainCutShort;

    /** Reads the TLS key material now (when dicom.tls.enabled), so a file gone since the configuration was loaded fails here. */
    public DicomListener(GatewayConfig.Dicom settings, InstanceSink sink, ReceiveMetrics metrics) throws IOException {
        this(settings, sink, metrics, new StorageCommitmentService(settings.aeTitle(), settings.storageCommitment(),
                (sopClass, sopInstance) -> InstanceCommitment.State.NOT_RECEIVED));
    }

    /** As above, with Storage Commitment requests answered by {@code commitments} (closed with the listener). */
    public DicomListener(GatewayConfig.Dicom settings, InstanceSink sink, ReceiveMetrics metrics,
                         StorageCommitmentService commitments) throws IOException {
        this.commitments = commitments;
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.receivePolicy = new AtomicReference<>(ReceivePolicy.from(settings));
        this.limit = new AssociationLimit(settings.maxAssociations());
        this.peers = new PeerConnections(settings.maxAssociationsPerPeer());
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
        long failedAccepts = 0;
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closing || serverSocket.isClosed()) {
                    return;
                }
                // Transient (no file descriptor or buffer free): the port stays bound, so keep accepting after a pause.
                if (failedAccepts++ == 0) {
                    LOG.error("DICOM accept on port {} failed: {}; retrying every {} ms (raise LimitNOFILE= or lower "
                            + "dicom.maxAssociations if it says \"Too many open files\")", serverSocket.getLocalPort(),
                            e.getMessage(), ACCEPT_RETRY.toMillis());
                }
                try {
                    Thread.sleep(ACCEPT_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            if (failedAccepts > 0) {
                LOG.info("DICOM accept on port {} works again after {} failed attempts", serverSocket.getLocalPort(),
                        failedAccepts);
                failedAccepts = 0;
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
            Thread thread = new Thread(() -> {
                try {
                    Optional<? extends Socket> ready = secure ? tls.get().perform(socket) : Optional.of(socket);
                    ready.ifPresent(connection ->
                            new Association(id, connection, settings, admitting, limit, policy, sink, metrics,
                                    commitments).run());
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
        for (ServerSocket socket : new ServerSocket[] {plainSocket, tlsSocket}) {
            if (socket != null) {
                closeQuietly(socket);
            }
        }
        for (Thread acceptThread : acceptThreads) {
            if (acceptThread == Thread.currentThread()) {
                continue;
            }
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
        return awaitNoConnections(timeout, () -> drainCutShort);
    }

    /** Polls until no connection is left, {@code timeout} has passed or {@code cutShort} says so; true when none is left. */
    private boolean awaitNoConnections(Duration timeout, java.util.function.BooleanSupplier cutShort) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connections.isEmpty() && !cutShort.getAsBoolean() && System.nanoTime() - deadline < 0) {
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
        awaitNoConnections(ABORT_GRACE, () -> false);
        return aborted;
    }

    /**
     * Stops accepting, lets the associations in flight finish within dicom.shutdownTimeout, then aborts the rest
     * (unacknowledged data is resent by senders).
     */
    @Override
    public void close() {
        stopAccepting();
        commitments.close(); // pending reports are not durable yet: a request waiting at shutdown gets no report
        Duration timeout = settings.shutdownTimeout();
        String bound = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
        LOG.info("stopping: {} associations in flight, waiting up to {} (dicom.shutdownTimeout)", inFlight(), bound);
        if (!drain(timeout)) {
            int aborted = abortRemaining();
            LOG.warn("stopping: aborted {} association(s) still open {}; their unacknowledged instances are resent by "
                    + "the senders", aborted, drainCutShort ? "at a second stop signal" : "after " + bound + " (dicom.shutdownTimeout)");
        }
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
