package dev.dicomgateway.deliver;

import io.micrometer.core.instrument.Counter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.dicomgateway.spool.BatchState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** The delivery stage's metrics (names are a contract with operators' dashboards and alerts). */
final class DeliveryMetrics {
    /** The state label of dicom_gateway_batches and dicom_gateway_batches_bytes: a BatchState, or failed (set aside). */
    static final List<String> STATES = java.util.stream.Stream.concat(java.util.Arrays.stream(BatchState.values())
            .map(s -> s.name().toLowerCase(java.util.Locale.ROOT)), java.util.stream.Stream.of("failed")).toList();
    private final MeterRegistry registry;
    private final Timer deliverySeconds;
    private final Counter metadataRows;
    /** Micrometer holds gauge sources weakly: these fields keep them alive as long as the engine. */
    private final Supplier<Map<String, Long>> batchesByState;
    private final Supplier<Map<String, Long>> batchBytesByState;
    private final Supplier<Double> oldestUndelivered;

    DeliveryMetrics(MeterRegistry registry, Supplier<Map<String, Long>> batchesByState,
                    Supplier<Map<String, Long>> batchBytesByState, Supplier<Double> oldestUndelivered) {
        this.registry = registry;
        this.batchesByState = batchesByState;
        this.batchBytesByState = batchBytesByState;
        this.oldestUndelivered = oldestUndelivered;
        for (String state : STATES) {
            Gauge.builder("dicom.gateway.batches", this.batchesByState, (ToDoubleFunction<Supplier<Map<String, Long>>>)
                            s -> s.get().getOrDefault(state, 0L)).tag("state", state)
                    .description("Batches in the spool by delivery state").register(registry);
            Gauge.builder("dicom.gateway.batches.bytes", this.batchBytesByState,
                            (ToDoubleFunction<Supplier<Map<String, Long>>>) s -> s.get().getOrDefault(state, 0L))
                    .tag("state", state).baseUnit("bytes")
                    .description("Bytes of the batches in the spool by delivery state").register(registry);
        }
        Gauge.builder("dicom.gateway.oldest.undelivered.seconds", this.oldestUndelivered, Supplier::get)
                .description("Age of the oldest sealed batch not yet delivered (0 when none)").register(registry);
        this.deliverySeconds = Timer.builder("dicom.gateway.delivery").description("From seal to delivered, per batch")
                .publishPercentileHistogram().register(registry);
        this.metadataRows = Counter.builder("dicom.gateway.metadata.rows").description("Metadata rows written")
                .register(registry);
    }

    void attempt(String destination, String result) {
        Counter.builder("dicom.gateway.delivery.attempts").description("Delivery steps tried, by destination and result")
                .tag("destination", destination).tag("result", result).register(registry).increment();
    }

    void delivered(Duration sinceSealed, long rows) {
        deliverySeconds.record(sinceSealed);
        metadataRows.increment(rows);
    }

}
