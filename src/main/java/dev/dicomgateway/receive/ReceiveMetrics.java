package dev.dicomgateway.receive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The receive stage's metrics (names are a contract with operators' dashboards and alerts). */
public final class ReceiveMetrics {
    /** The calling_ae label of every title outside dicom.allowedCallingAeTitles (all of them when it is empty). */
    public static final String OTHER_CALLING_AE = "other";
    /** The stage label values of dicom_gateway_instances_duplicate_total ({@link DuplicateStage}). */
    public static final java.util.List<String> DUPLICATE_STAGES =
            java.util.Arrays.stream(DuplicateStage.values()).map(DuplicateStage::label).toList();
    private final MeterRegistry registry;
    private final java.util.Map<RefusalReason, Counter> rejected = new java.util.EnumMap<>(RefusalReason.class);
    private final java.util.Map<DuplicateStage, Counter> duplicates = new java.util.EnumMap<>(DuplicateStage.class);
    private final java.util.Map<HandshakeFailure, Counter> handshakeFailures = new java.util.EnumMap<>(HandshakeFailure.class);
    private final Counter bytesReceived;
    private final AtomicInteger activeAssociations = new AtomicInteger();
    private final MinuteCounts perMinute = new MinuteCounts(java.time.Clock.systemUTC());
    private final RecentAssociations recentAssociations = new RecentAssociations();

    /** The calling_ae label values come from the association's {@link ReceivePolicy} (dicom.allowedCallingAeTitles). */
    public ReceiveMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesReceived = Counter.builder("dicom.gateway.bytes.received")
                .description("Data set bytes received in C-STORE requests").register(registry);
        for (DuplicateStage stage : DuplicateStage.values()) { // every series exists from the start, for rate()
            duplicates.put(stage, Counter.builder("dicom.gateway.instances.duplicate")
                    .description("Instances received again and kept once, by where the earlier copy was: open "
                            + "(replaced), sealed or delivered (same content: acknowledged, not delivered again)")
                    .tag("stage", stage.label()).register(registry));
        }
        Gauge.builder("dicom.gateway.associations.active", activeAssociations, AtomicInteger::get)
                .description("Associations currently open").register(registry);
        for (AssociationResult result : AssociationResult.values()) { // every series exists from the start, for rate()
            association(result, 0);
        }
        for (RefusalReason reason : RefusalReason.values()) {
            rejected.put(reason, Counter.builder("dicom.gateway.instances.rejected")
                    .description("C-STORE requests not stored, by reason").tag("reason", reason.label()).register(registry));
        }
    }

    /**
     * The DICOM TLS port's series, registered only when it is enabled: handshake failures by reason (every reason at
     * 0 from the start) and the server certificate's expiry.
     */
    void tlsEnabled(java.time.Instant certificateExpiry) {
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            handshakeFailures.put(reason, Counter.builder("dicom.gateway.tls.handshake.failures")
                    .description("TLS handshakes on the DICOM TLS port that failed, by reason").tag("reason", reason.label())
                    .register(registry));
        }
        Gauge.builder("dicom.gateway.tls.certificate.expiry.timestamp.seconds", () -> certificateExpiry.getEpochSecond())
                .description("When the DICOM TLS port's server certificate expires (its notAfter), in Unix seconds")
                .register(registry);
    }

    void handshakeFailed(HandshakeFailure reason) {
        handshakeFailures.get(reason).increment();
    }

    void association(AssociationResult result) {
        association(result, 1);
    }

    private void association(AssociationResult result, int amount) {
        Counter.builder("dicom.gateway.associations").description("Associations by how they ended")
                .tag("result", result.label()).register(registry).increment(amount);
    }

    /** An instance acknowledged with Success; {@code callingAeLabel} is {@link ReceivePolicy#callingAeLabel}'s. */
    void instanceReceived(String callingAeLabel) {
        Counter.builder("dicom.gateway.instances.received").description("Instances stored and acknowledged with Success")
                .tag("calling_ae", callingAeLabel)
                .register(registry).increment();
        perMinute.instance();
    }

    void instanceRejected(RefusalReason reason) {
        rejected.get(reason).increment();
    }

    /** An instance received again: replacing the copy in its open study, or already sealed or delivered unchanged. */
    void duplicate(DuplicateStage stage) {
        duplicates.get(stage).increment();
    }

    void bytesReceived(long bytes) {
        bytesReceived.increment(bytes);
        perMinute.bytes(bytes);
    }

    /** An association ended (its closing log line was written): kept among the recent ones the console lists. */
    void associationEnded(AssociationSummary summary) {
        recentAssociations.add(summary);
    }

    /** Instances and bytes received per minute over the last hour (for the console). */
    public MinuteCounts perMinute() {
        return perMinute;
    }

    /** The last ended associations (for the console). */
    public RecentAssociations recentAssociations() {
        return recentAssociations;
    }

    AtomicInteger activeAssociations() {
        return activeAssociations;
    }

    /** Associations currently open. */
    public int active() {
        return activeAssociations.get();
    }
}
