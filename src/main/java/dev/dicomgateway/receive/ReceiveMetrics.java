package dev.dicomgateway.receive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The receive stage's metrics (names are a contract with operators' dashboards and alerts). */
public final class ReceiveMetrics {
    /** The calling_ae label of every title outside dicom.allowedCallingAeTitles (all of them when it is empty). */
    public static final String OTHER_CALLING_AE = "other";
    /**
     * The stage label of dicom_gateway_instances_duplicate_total: where the earlier copy was (open study, or spool's
     * DeliveredInstanceIndex.Stage: sealed, delivered).
     */
    public static final java.util.List<String> DUPLICATE_STAGES = java.util.List.of(StoreOutcome.OPEN, "sealed", "delivered");
    private final MeterRegistry registry;
    private final Counter bytesReceived;
    private final AtomicInteger activeAssociations = new AtomicInteger();

    /** The calling_ae label values come from the association's {@link ReceivePolicy} (dicom.allowedCallingAeTitles). */
    public ReceiveMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesReceived = Counter.builder("dicom.gateway.bytes.received")
                .description("Data set bytes received in C-STORE requests").register(registry);
        for (String stage : DUPLICATE_STAGES) {
            duplicate(stage, 0);
        }
        Gauge.builder("dicom.gateway.associations.active", activeAssociations, AtomicInteger::get)
                .description("Associations currently open").register(registry);
        for (AssociationResult result : AssociationResult.values()) { // every series exists from the start, for rate()
            association(result, 0);
        }
        for (RefusalReason reason : RefusalReason.values()) {
            instanceRejected(reason.label(), 0);
        }
    }

    /**
     * The DICOM TLS port's series, registered only when it is enabled: handshake failures by reason (every reason at
     * 0 from the start) and the server certificate's expiry.
     */
    void tlsEnabled(java.time.Instant certificateExpiry) {
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            handshakeFailed(reason.label(), 0);
        }
        Gauge.builder("dicom.gateway.tls.certificate.expiry.timestamp.seconds", () -> certificateExpiry.getEpochSecond())
                .description("When the DICOM TLS port's server certificate expires (its notAfter), in Unix seconds")
                .register(registry);
    }

    void handshakeFailed(String reason) {
        handshakeFailed(reason, 1);
    }

    private void handshakeFailed(String reason, int amount) {
        Counter.builder("dicom.gateway.tls.handshake.failures")
                .description("TLS handshakes on the DICOM TLS port that failed, by reason").tag("reason", reason)
                .register(registry).increment(amount);
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
    }

    void instanceRejected(String reason) {
        instanceRejected(reason, 1);
    }

    private void instanceRejected(String reason, int amount) {
        Counter.builder("dicom.gateway.instances.rejected").description("C-STORE requests not stored, by reason")
                .tag("reason", reason).register(registry).increment(amount);
    }

    void duplicate(String stage) {
        duplicate(stage, 1);
    }

    /** Instances received again: replacing the copy in their open study, or already sealed or delivered unchanged. */
    private void duplicate(String stage, double amount) {
        Counter.builder("dicom.gateway.instances.duplicate")
                .description("Instances received again and kept once, by where the earlier copy was: open (replaced), "
                        + "sealed or delivered (same content: acknowledged, not delivered again)")
                .tag("stage", stage).register(registry).increment(amount);
    }

    void bytesReceived(long bytes) {
        bytesReceived.increment(bytes);
    }

    AtomicInteger activeAssociations() {
        return activeAssociations;
    }

    /** Associations currently open. */
    public int active() {
        return activeAssociations.get();
    }
}
