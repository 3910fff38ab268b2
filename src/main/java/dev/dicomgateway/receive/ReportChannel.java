package dev.dicomgateway.receive;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/**
 * The association that carried an N-ACTION, as a way back to its requester: while it is open the Storage Commitment
 * report is sent on it (the gateway, the acceptor, sends the N-EVENT-REPORT-RQ on the Push Model presentation context
 * of the N-ACTION, PS3.7 10.3.3) instead of on a new association.
 */
interface ReportChannel {

    /** True while the association is established (not released, aborted or dropped). */
    boolean open();

    /**
     * Sends the N-EVENT-REPORT-RQ with {@code eventType} and the Event Information built by {@code eventInformation}
     * (given whether the context's transfer syntax is explicit VR); returns the requester's N-EVENT-REPORT-RSP status,
     * waiting at most {@code timeout}. An IOException means the association closed or the answer did not come in time.
     */
    int send(int eventType, Function<Boolean, byte[]> eventInformation, Duration timeout) throws IOException;
}
