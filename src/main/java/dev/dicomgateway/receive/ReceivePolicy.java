package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.receive.pdu.AssociateReject;
import dev.dicomgateway.receive.pdu.AssociateRequest;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The part of the receive settings a reload (SIGHUP) may change: dicom.allowedCallingAeTitles (and with it the
 * calling_ae label values) and dicom.allowedPeers. The listener holds one in an AtomicReference and reads it once per
 * connection, so an association keeps the policy it was admitted under until it ends.
 */
final class ReceivePolicy {
    private final AssociationAdmission admission;
    private final PeerAllowList peers;

    private ReceivePolicy(AssociationAdmission admission, PeerAllowList peers) {
        this.admission = admission;
        this.peers = peers;
    }

    static ReceivePolicy from(GatewayConfig.Dicom settings) {
        return new ReceivePolicy(new AssociationAdmission(settings), new PeerAllowList(settings.allowedPeers(), Clock.systemUTC()));
    }

    /** dicom.allowedPeers, with the rate-limited log of refused addresses (a reload starts that log afresh). */
    PeerAllowList peers() {
        return peers;
    }

    /** The rejection an A-ASSOCIATE-RQ deserves under this policy, or empty. */
    Optional<AssociateReject> rejection(AssociateRequest request) {
        return admission.rejection(request);
    }

    /** The calling_ae label value for {@code callingAeTitle}: the title if allow-listed, else "other". */
    String callingAeLabel(String callingAeTitle) {
        return admission.callingAeLabel(callingAeTitle);
    }
}
