package dev.dicomgateway.receive;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.Status;
import dev.dicomgateway.receive.pdu.PresentationContextAnswer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One C-STORE whose data set is arriving: streams the fragments into an {@link InstanceFile}, or — when the request
 * was refused up front (invalid UID, a SOP class other than its presentation context's, disk low) or writing failed — reads and drops them, so the answer can be
 * given as soon as the last fragment is in. Never holds the data set in memory. Every exception of writing or staging
 * is answered here, by {@link StagingFailure}: 0xA700 for a full file system, 0x0110 otherwise, the cause logged.
 */
final class StoreTransfer {
    private final int contextId;
    private final int messageId;
    private final String sopClassUid;
    private final String sopInstanceUid;
    private final String transferSyntaxUid;
    private final String callingAeTitle;
    private final InstanceSink sink;
    private InstanceFile file;
    private StoreOutcome refusal;
    private long dataSetBytes;

    private StoreTransfer(PresentationContextAnswer context, CommandSet command, String callingAeTitle,
                          InstanceSink sink) {
        this.contextId = context.id();
        this.messageId = command.us(CommandSet.MESSAGE_ID);
        this.sopClassUid = command.uid(CommandSet.AFFECTED_SOP_CLASS_UID);
        this.sopInstanceUid = command.uid(CommandSet.AFFECTED_SOP_INSTANCE_UID);
        this.transferSyntaxUid = context.transferSyntax();
        this.callingAeTitle = callingAeTitle;
        this.sink = sink;
    }

    /** Starts receiving the data set announced by a C-STORE-RQ on the accepted presentation context {@code context}. */
    static StoreTransfer begin(PresentationContextAnswer context, CommandSet command, String callingAeTitle,
                               InstanceSink sink) {
        StoreTransfer transfer = new StoreTransfer(context, command, callingAeTitle, sink);
        transfer.open(context.abstractSyntax());
        return transfer;
    }

    private void open(String negotiatedSopClassUid) {
        if (!Uids.isValid(sopInstanceUid) || !Uids.isValid(sopClassUid)) {
            refusal = StoreOutcome.refused(Status.INVALID_UID, RefusalReason.INVALID_UID,
                    "Affected SOP Class/Instance UID is not a valid UID");
            return;
        }
        if (!sopClassUid.equals(negotiatedSopClassUid)) {
            refusal = StoreOutcome.refused(Status.SOP_CLASS_NOT_SUPPORTED, RefusalReason.SOP_CLASS_NOT_NEGOTIATED,
                    "SOP class not negotiated on presentation context " + contextId);
            return;
        }
        refusal = sink.admit();
        if (refusal != null) {
            return;
        }
        try {
            file = InstanceFile.create(sink.temporaryDirectory(),
                    new FileMetaInformation(sopClassUid, sopInstanceUid, transferSyntaxUid, callingAeTitle));
        } catch (IOException e) {
            refusal = failed(e);
        }
    }

    int contextId() {
        return contextId;
    }

    int messageId() {
        return messageId;
    }

    String sopClassUid() {
        return sopClassUid;
    }

    String sopInstanceUid() {
        return sopInstanceUid;
    }

    void write(byte[] bytes, int offset, int length) {
        dataSetBytes += length;
        if (file == null) {
            return;
        }
        try {
            file.write(bytes, offset, length);
        } catch (IOException e) {
            file.discard(); // its space is the sender's next chance
            file = null;
            refusal = failed(e);
        }
    }

    /** The last fragment is in: sync the file and let the sink make it durable, or return the refusal. */
    StoreOutcome finish() {
        if (refusal != null) {
            return refusal;
        }
        try {
            Path path = file.complete();
            return sink.store(new ReceivedInstance(path, sopClassUid, sopInstanceUid, transferSyntaxUid,
                    callingAeTitle, dataSetBytes));
        } catch (IOException | RuntimeException e) {
            file.discard(); // its room is free again before a full disk is reported (the sink measures what is left)
            file = null;
            return failed(e);
        } finally {
            if (file != null) {
                file.discard();
                file = null;
            }
        }
    }

    /** The association ended before the last fragment: drop the partial file. */
    void abandon() {
        if (file != null) {
            file.discard();
            file = null;
        }
    }

    /** The one place a failure of writing or staging becomes an answer ({@link StagingFailure}); a full disk is told to the sink. */
    private StoreOutcome failed(Exception e) {
        if (FileSystemFull.causedBy(e)) {
            sink.fileSystemFull();
        }
        return StagingFailure.of(e);
    }
}
