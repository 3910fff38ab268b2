package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandField;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.CommitmentDataSet;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and over-limit N-ACTION requests from a raw SCU: each is answered with its failure status on the same
 * association, which stays usable (a well-formed request after it is accepted, then a clean release).
 */
class StorageCommitmentRequestTest {
    @TempDir
    Path dir;

    @Test
    void malformedActionInformationIsAnsweredWithInvalidArgumentAndTheAssociationGoesOn() throws Exception {
        try (Gateway gateway = TestGateway.start(dir.resolve("spool"),
                "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_MAXINSTANCESPERREQUEST", "2");
             RawScu scu = commitmentAssociation(gateway)) {
            byte[] truncated = {0x08, 0x00, (byte) 0x95, 0x11, (byte) 0xFF, (byte) 0xFF, 0x00, 0x10, 0x31}; // length past the end
            assertEquals(0x0115, action(scu, 1, 1, truncated));
            byte[] nested = nestedSequences(5000); // deep nesting: refused without recursion
            assertEquals(0x0115, action(scu, 2, 1, nested));
            byte[] valid = CommitmentDataSet.encodeReport("1.2.3.4", List.of(
                    new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, "1.2.3.4.1")), List.of(), false);
            assertEquals(0x0123, action(scu, 3, 2, valid)); // Action Type 2 does not exist
            byte[] three = CommitmentDataSet.encodeReport("1.2.3.4", List.of(
                    new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, "1.2.3.4.1"),
                    new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, "1.2.3.4.2"),
                    new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, "1.2.3.4.3")), List.of(), false);
            assertEquals(0x0213, action(scu, 4, 1, three)); // over maxInstancesPerRequest
            assertEquals(0x0000, action(scu, 5, 1, valid));
            answerReport(scu); // the association is still open: the report (1.2.3.4.1 never received) comes on it
            scu.send(RawScu.releaseRequest());
            assertEquals(0x06, scu.read().type());
        }
    }

    private static RawScu commitmentAssociation(Gateway gateway) throws Exception {
        RawScu scu = RawScu.connect(gateway.dicomPort());
        scu.setTimeoutMillis(10_000);
        scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "MODALITY", Uids.STORAGE_COMMITMENT_PUSH_MODEL,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        RawScu.Pdu accept = scu.read();
        assertEquals(0x02, accept.type());
        assertEquals(0, RawScu.contextResults(accept.body()).get(0).result());
        return scu;
    }

    /** Sends an N-ACTION-RQ with {@code information}; returns the N-ACTION-RSP status. */
    private static int action(RawScu scu, int messageId, int actionType, byte[] information) throws Exception {
        byte[] command = CommandSet.empty()
                .putUid(CommandSet.REQUESTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                .putUs(CommandSet.COMMAND_FIELD, CommandField.N_ACTION_RQ)
                .putUs(CommandSet.MESSAGE_ID, messageId)
                .putUs(CommandSet.COMMAND_DATA_SET_TYPE, 0)
                .putUid(CommandSet.REQUESTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE)
                .putUs(CommandSet.ACTION_TYPE_ID, actionType)
                .encode();
        scu.send(RawScu.pData(true, true, command));
        scu.send(RawScu.dataSetPdus(information));
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type());
        byte[] answer = RawScu.pdvData(response.body());
        assertEquals(CommandField.N_ACTION_RSP, RawScu.commandField(answer));
        return RawScu.status(answer);
    }

    /** Reads the N-EVENT-REPORT-RQ (command and Event Information) on the association and answers it with success. */
    private static void answerReport(RawScu scu) throws Exception {
        byte[] report = RawScu.pdvData(scu.read().body());
        assertEquals(CommandField.N_EVENT_REPORT_RQ, RawScu.commandField(report));
        assertEquals(2, RawScu.eventType(report), "an instance never received is reported failed");
        assertEquals(0x04, scu.read().type());
        scu.send(RawScu.pData(true, true, CommandSet.empty()
                .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                .putUs(CommandSet.COMMAND_FIELD, CommandField.N_EVENT_REPORT_RSP)
                .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, RawScu.messageId(report))
                .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                .putUs(CommandSet.STATUS, 0)
                .encode()));
    }

    /** A Referenced SOP Sequence whose item holds a sequence whose item holds a sequence … {@code depth} deep. */
    private static byte[] nestedSequences(int depth) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] transaction = "1.2.3.4".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(new byte[] {0x08, 0x00, (byte) 0x95, 0x11, 8, 0, 0, 0});
        out.writeBytes(transaction);
        out.write(0);
        for (int i = 0; i < depth; i++) {
            out.writeBytes(new byte[] {0x08, 0x00, (byte) 0x99, 0x11, -1, -1, -1, -1}); // SQ, undefined length
            out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, -1, -1, -1, -1}); // item, undefined
        }
        return out.toByteArray();
    }
}
