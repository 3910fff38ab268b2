package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.receive.pdu.AssociateReject;
import dev.dicomgateway.receive.pdu.AssociateRequest;
import java.util.Optional;
import java.util.Set;

/** Decides from an A-ASSOCIATE-RQ alone whether to reject it: protocol version, application context, AE titles. */
final class AssociationAdmission {
    private final String calledAeTitle;
    private final Set<String> allowedCallingAeTitles;

    AssociationAdmission(GatewayConfig.Dicom settings) {
        this.calledAeTitle = settings.aeTitle();
        this.allowedCallingAeTitles = Set.copyOf(settings.allowedCallingAeTitles());
    }

    /** The rejection to send, or empty when the association may proceed (subject to the association limit). */
    Optional<AssociateReject> rejection(AssociateRequest request) {
        if ((request.protocolVersion() & 0x0001) == 0) {
            return Optional.of(AssociateReject.PROTOCOL_VERSION_NOT_SUPPORTED);
        }
        if (!AssociateRequest.DICOM_APPLICATION_CONTEXT.equals(request.applicationContext())) {
            return Optional.of(AssociateReject.APPLICATION_CONTEXT_NOT_SUPPORTED);
        }
        if (!calledAeTitle.equals(request.calledAeTitle())) {
            return Optional.of(AssociateReject.CALLED_AE_NOT_RECOGNIZED);
        }
        if (!allowedCallingAeTitles.isEmpty() && !allowedCallingAeTitles.contains(request.callingAeTitle())) {
            return Optional.of(AssociateReject.CALLING_AE_NOT_RECOGNIZED);
        }
        return Optional.empty();
    }

    /**
     * The calling_ae metric label of {@code callingAeTitle}: allow-listed titles get a value of their own, every other
     * title is "other", so a peer inventing titles cannot create series.
     */
    String callingAeLabel(String callingAeTitle) {
        return allowedCallingAeTitles.contains(callingAeTitle) ? callingAeTitle : ReceiveMetrics.OTHER_CALLING_AE;
    }
}
