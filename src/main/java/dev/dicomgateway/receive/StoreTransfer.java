package dev.dicomgateway.receive;

import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.Status;
import dev.dicomgateway.receive.pdu.PresentationContextAnswer;
import java.io.IOException;
import java.io.InputStream;

/**
 * One C-STORE, from its request to its outcome: refused up front (invalid UID, a SOP class other than its
 * presentation context's, the sink's admission) or handed to the sink with its data set's stream. Every exception of
 * staging is answered here, by {@link StagingFailure}: 0xA700 for a full file system, 0x0110 otherwise.
 */
final class StoreTransfer {
    private final int contextId;
    private final int messageId;
    private final StoreRequest request;
    private final InstanceSink sink;
    private StoreOutcome refusal;

    private StoreTransfer(PresentationContextAnswer context, CommandSet command, String callingAeTitle,
                          InstanceSink sink) {
        this.contextId = context.id();
        this.messageId = command.us(CommandSet.MESSAGE_ID);
        this.request = new StoreRequest(command.uid(CommandSet.AFFECTED_SOP_CLASS_UID),
                command.uid(CommandSet.AFFECTED_SOP_INSTANCE_UID), context.transferSyntax(), callingAeTitle);
        this.sink = sink;
    }

    /** A C-STORE-RQ on the accepted presentation context {@code context}: checked now, before its data set. */
    static StoreTransfer begin(PresentationContextAnswer context, CommandSet command, String callingAeTitle,
                               InstanceSink sink) {
        StoreTransfer transfer = new StoreTransfer(context, command, callingAeTitle, sink);
        transfer.refusal = transfer.check(context.abstractSyntax());
        return transfer;
    }

    private StoreOutcome check(String negotiatedSopClassUid) {
        if (!Uids.isValid(request.sopInstanceUid()) || !Uids.isValid(request.sopClassUid())) {
            return StoreOutcome.refused(Status.INVALID_UID, RefusalReason.INVALID_UID,
                    "Affected SOP Class/Instance UID is not a valid UID");
        }
        if (!request.sopClassUid().equals(negotiatedSopClassUid)) {
            return StoreOutcome.refused(Status.SOP_CLASS_NOT_SUPPORTED, RefusalReason.SOP_CLASS_NOT_NEGOTIATED,
                    "SOP class not negotiated on presentation context " + contextId);
        }
        return sink.admit();
    }

    int contextId() {
        return contextId;
    }

    int messageId() {
        return messageId;
    }

    String sopClassUid() {
        return request.sopClassUid();
    }

    String sopInstanceUid() {
        return request.sopInstanceUid();
    }

    /** Stages the data set streaming in (or leaves it unread when refused); the caller drains what is left. */
    StoreOutcome store(InputStream dataSet) {
        if (refusal != null) {
            return refusal;
        }
        try {
            return sink.store(request, dataSet);
        } catch (IOException | RuntimeException e) {
            if (FileSystemFull.causedBy(e)) {
                sink.fileSystemFull();
            }
            return StagingFailure.of(e);
        }
    }
}
