package dev.dicomgateway;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.receive.StorageCommitmentService;
import dev.dicomgateway.spool.CommitmentFiles;
import dev.dicomgateway.spool.CommittedInstances;
import dev.dicomgateway.deidentify.PassthroughDeidentifier;
import dev.dicomgateway.deidentify.ProfileDeidentifier;
import dev.dicomgateway.deliver.FailedBatches;
import dev.dicomgateway.http.AdminToken;
import dev.dicomgateway.http.ConsoleSources;
import dev.dicomgateway.http.OperationsServer;
import dev.dicomgateway.http.ReadinessCheck;
import dev.dicomgateway.receive.DicomListener;
import dev.dicomgateway.receive.ReceiveMetrics;
import dev.dicomgateway.spool.DeliveryReserve;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.InboxWorker;
import dev.dicomgateway.spool.OwnerOnly;
import dev.dicomgateway.deliver.DeliveryEngine;
import dev.dicomgateway.deliver.Destinations;
import dev.dicomgateway.spool.Spool;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.spool.SpoolLock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the stages along the data's path (receive → deidentify → spool → deliver), wired from one configuration, with the
 * operations endpoint beside them. Start with {@link #start}, stop with {@link #close}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final DicomListener listener;
    private final OperationsServer operations;
    private final DeliveryEngine delivery;
    private final Spool spool;
    private final InboxWorker inbox;
    private final SpoolLock lock;
    private final AdminToken adminToken;

    private Gateway(GatewayConfig config, PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics,
                    DicomListener listener, OperationsServer operations, DeliveryEngine delivery, Spool spool,
                    InboxWorker inbox, SpoolLock lock, AdminToken adminToken) {
        this.spool = spool;
        this.adminToken = adminToken;
        this.config = config;
        this.registry = registry;
        this.gcMetrics = gcMetrics;
        this.listener = listener;
        this.operations = operations;
        this.delivery = delivery;
        this.inbox = inbox;
        this.lock = lock;
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        return start(config, Destinations.fromConfig(config));
    }

    /**
     * Starts with the given destinations (tests use this to put a failing store behind the real engine). The spool's
     * lock comes first: nothing in the spool is recovered, swept or written before this process owns it.
     */
    public static Gateway start(GatewayConfig config, Destinations destinations) throws IOException {
        return start(config, destinations, Clock.systemUTC());
    }

    /**
     * Starts with the given destinations and {@code clock}, the one source of the time of day for every stage: the
     * de-identifier's lookup table, staging and sealing, and the delivery engine's retries and keepDelivered (tests
     * pass a clock they move). Durations and timeouts are measured with System.nanoTime() whatever the clock.
     */
    public static Gateway start(GatewayConfig config, Destinations destinations, Clock clock) throws IOException {
        SpoolLock lock = SpoolLock.acquire(new SpoolLayout(config.spool().dir()), "run");
        try {
            return startOwning(config, destinations, clock, lock);
        } catch (IOException | RuntimeException | Error e) {
            try {
                lock.close();
            } catch (IOException release) {
                e.addSuppressed(release);
            }
            throw e;
        }
    }

    private static Gateway startOwning(GatewayConfig config, Destinations destinations, Clock clock, SpoolLock lock)
            throws IOException {
        SpoolLayout layout = new SpoolLayout(config.spool().dir());
        layout.create();
        int swept = layout.sweepTemporary();
        if (swept > 0) {
            LOG.info("removed {} partial transfer(s) left in {} by an earlier stop (never acknowledged)", swept, layout.temporary());
        }
        DiskSpace diskSpace = new DiskSpace(layout.root(), config.spool().minFreeBytes());

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("gateway", config.gatewayId())
                // Micrometer's process.cpu.time counts nanoseconds (process_cpu_time_ns_total): Prometheus wants
                // seconds, and process_cpu_usage already says how busy the process is.
                .meterFilter(io.micrometer.core.instrument.config.MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        io.micrometer.core.instrument.Gauge.builder("dicom.gateway.spool.free.bytes", diskSpace, DiskSpace::usableBytes)
                .description("Free bytes on the spool file system").register(registry);

        Deidentifier deidentifier = config.deidentify().enabled()
                ? ProfileDeidentifier.open(config.deidentify(), layout.privateArea(), clock)
                : PassthroughDeidentifier.open(config.deidentify(), layout.privateArea());
        Spool spool = Spool.open(config, layout, diskSpace, deidentifier, registry, clock);
        DeliveryEngine delivery = new DeliveryEngine(config, spool, destinations, clock, registry);
        try {
            delivery.start();
        } catch (IOException e) {
            delivery.close();
            spool.close();
            throw e;
        }
        ReceiveMetrics receiveMetrics = new ReceiveMetrics(registry);
        DicomListener listener;
        try {
            listener = new DicomListener(config.dicom(), spool.stager(), receiveMetrics, new StorageCommitmentService(
                    config.dicom().aeTitle(), config.dicom().storageCommitment(),
                    new CommittedInstances(deidentifier, spool.index(), layout, config.collection()),
                    new CommitmentFiles(layout.commitments(), deidentifier.sealingKey())));
            listener.start();
        } catch (IOException e) {
            delivery.close();
            spool.close();
            throw e;
        }
        OperationsServer operations;
        AdminToken adminToken;
        try {
            adminToken = AdminToken.from(config.http().adminTokenFile());
            operations = OperationsServer.start(config.http().bind(), config.http().port(), registry,
                    readinessChecks(listener, layout, spool.reserve(), delivery),
                    Optional.of(new ConsoleSources(config.gatewayId(), layout, diskSpace, receiveMetrics,
                            delivery.health(), spool.quarantine(), new FailedBatches(layout), adminToken, clock)));
        } catch (IOException e) {
            listener.close();
            delivery.close();
            spool.close();
            throw e;
        }
        try { // after the secret and lookup table checks (which refuse rather than tighten) and once delivery runs:
            tightenPermissions(config, layout); // new files are owner-only anyway; this is for what was there before
        } catch (IOException e) {
            operations.close();
            listener.close();
            delivery.close();
            spool.close();
            throw e;
        }
        InboxWorker inbox = InboxWorker.start(spool); // files `import` hands in, staged beside the listener
        LOG.info("gateway {} ready: collection={} dicom_port={} dicom_tls_port={} http_port={} spool={} deidentify={}",
                config.gatewayId(), config.collection(), config.dicom().plainEnabled() ? listener.port() : "off",
                config.dicom().tls().isPresent() ? listener.tlsPort() : "off", operations.port(), layout.root(),
                config.deidentify().enabled() ? "profile" : "passthrough");
        return new Gateway(config, registry, gcMetrics, listener, operations, delivery, spool, inbox, lock, adminToken);
    }

    /**
     * Takes group and other permissions off the spool and the local bucket and metadata directories (what an older
     * version, a restore or an operator left), so a file written before never stays readable by other local users.
     */
    private static void tightenPermissions(GatewayConfig config, SpoolLayout layout) throws IOException {
        java.util.Map<String, Path> roots = new java.util.LinkedHashMap<>();
        roots.put("spool.dir", layout.root());
        if (config.destination().type().equals("local")) {
            roots.put("destination.local.dir", config.destination().localDir().toAbsolutePath().normalize());
        }
        if (config.metadata().type().equals("local")) {
            roots.put("metadata.local.dir", config.metadata().localDir().toAbsolutePath().normalize());
        }
        for (java.util.Map.Entry<String, Path> root : roots.entrySet()) {
            int tightened;
            try {
                tightened = OwnerOnly.tighten(root.getValue());
            } catch (IOException e) {
                throw new IOException("cannot restrict the permissions under " + root.getValue() + ": " + e.getMessage()
                        + " (" + root.getKey() + "; the service user must own what is in it)", e);
            }
            if (tightened > 0) {
                LOG.warn("tightened {} paths under {} (group/other access removed; {})", tightened, root.getValue(),
                        root.getKey());
            }
        }
    }

    private static List<ReadinessCheck> readinessChecks(DicomListener listener, SpoolLayout layout,
                                                        DeliveryReserve reserve, DeliveryEngine delivery) {
        return List.of(
                ReadinessCheck.of("delivery", delivery::problem),
                ReadinessCheck.of("dicom_listener", () -> listener.isListening()
                        ? Optional.empty() : Optional.of("not listening")),
                ReadinessCheck.of("spool_writable", () -> {
                    try {
                        layout.checkWritable();
                        return Optional.empty();
                    } catch (IOException e) {
                        return Optional.of(e.getMessage());
                    }
                }),
                // asked anew at every request (a statvfs): below spool.minFreeBytes, or full until delivery frees space
                ReadinessCheck.of("spool_free_space", reserve::problem));
    }

    public int dicomPort() {
        return listener.port();
    }

    /** The bound DICOM TLS port (dicom.tls.port; only when dicom.tls.enabled). */
    public int dicomTlsPort() {
        return listener.tlsPort();
    }

    public int httpPort() {
        return operations.port();
    }

    public GatewayConfig config() {
        return config;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Applies what a reload may change (dicom.allowedCallingAeTitles, dicom.allowedPeers) to the associations that
     * start from now on, and reads http.adminTokenFile again (the console's token); log.level is the command line's (it owns the logging back end). Other changes wait for a
     * restart: {@link dev.dicomgateway.config.RestartOnlyChanges} names them.
     */
    public void apply(GatewayConfig reloaded) {
        listener.apply(reloaded.dicom());
        try {
            adminToken.reload(reloaded.http().adminTokenFile());
        } catch (IOException e) {
            LOG.warn("{}; the console keeps the token it had", e.getMessage());
        }
    }

    /** A second stop signal: the wait for associations in flight ends now, the rest of the stop is unchanged. */
    public void cutStopShort() {
        listener.cutDrainShort();
    }

    /**
     * Stops in the order the data travels: the DICOM port closes at once, associations in flight get
     * dicom.shutdownTimeout to finish, then the import inbox, delivery (the step in progress completes), the spool
     * and its index, the operations endpoint and last the spool's lock.
     */
    @Override
    public void close() {
        listener.close();
        inbox.close();
        delivery.close();
        spool.close();
        operations.close();
        gcMetrics.close();
        try {
            lock.close(); // last: the spool is free for another process only once nothing here touches it
        } catch (IOException e) {
            LOG.warn("cannot release the lock on spool {}: {} (it goes with this process)", config.spool().dir(), e.getMessage());
        }
        LOG.info("gateway {} stopped", config.gatewayId());
    }
}
