package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandField;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.CommitmentDataSet;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A requester that keeps its association open after the N-ACTION gets the N-EVENT-REPORT on that association (the
 * gateway, the acceptor, sends it on the Push Model context), and no new association is opened — not even to the
 * address configured for it in dicom.storageCommitment.peers, here a listener that counts connections.
 */
class StorageCommitmentSameAssociationTest {
    private static final int STORE_CONTEXT = 1;
    private static final int COMMITMENT_CONTEXT = 3;

    @TempDir
    Path dir;

    @Test
    void theReportComesOnTheRequestersOpenAssociationAndNoNewAssociationIsOpened() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread counter = new Thread(() -> {
                while (!peer.isClosed()) {
                    try (Socket ignored = peer.accept()) {
                        connections.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            counter.setDaemon(true);
            counter.start();
            try (Gateway gateway = TestGateway.start(dir.resolve("spool"),
                    "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", "MODALITY=127.0.0.1:" + peer.getLocalPort());
                 RawScu scu = RawScu.connect(gateway.dicomPort())) {
                scu.setTimeoutMillis(15_000);
                scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "MODALITY", List.of(
                        new RawScu.Context(STORE_CONTEXT, RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                        new RawScu.Context(COMMITMENT_CONTEXT, Uids.STORAGE_COMMITMENT_PUSH_MODEL,
                                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))));
                assertEquals(0x02, scu.read().type());
                String sop = "1.2.826.0.1.3680043.10.546.1";
                scu.send(RawScu.pData(STORE_CONTEXT, true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sop)));
                scu.send(RawScu.dataSetPdus(DataSets.ct(sop, "PATIENT-SC", "1.2.826.0.1.3680043.10.546",
                        "1.2.826.0.1.3680043.10.546.2", 2_000)));
                assertEquals(0x0000, RawScu.status(RawScu.pdvData(scu.read().body())), "C-STORE-RSP");

                List<CommitmentDataSet.Reference> asked = List.of(
                        new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, sop));
                String transaction = "1.2.826.0.1.3680043.10.546.99";
                scu.send(RawScu.pData(COMMITMENT_CONTEXT, true, true, CommandSet.empty()
                        .putUid(CommandSet.REQUESTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                        .putUs(CommandSet.COMMAND_FIELD, CommandField.N_ACTION_RQ)
                        .putUs(CommandSet.MESSAGE_ID, 2)
                        .putUs(CommandSet.COMMAND_DATA_SET_TYPE, 0)
                        .putUid(CommandSet.REQUESTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE)
                        .putUs(CommandSet.ACTION_TYPE_ID, 1)
                        .encode()));
                scu.send(RawScu.pData(COMMITMENT_CONTEXT, false, true,
                        CommitmentDataSet.encodeReport(transaction, asked, List.of(), false)));
                byte[] actionResponse = RawScu.pdvData(scu.read().body());
                assertEquals(CommandField.N_ACTION_RSP, RawScu.commandField(actionResponse));
                assertEquals(0x0000, RawScu.status(actionResponse));

                RawScu.Pdu reportCommand = scu.read();
                assertEquals(0x04, reportCommand.type());
                assertEquals(COMMITMENT_CONTEXT, RawScu.pdvContext(reportCommand.body()));
                byte[] report = RawScu.pdvData(reportCommand.body());
                assertEquals(CommandField.N_EVENT_REPORT_RQ, RawScu.commandField(report));
                assertEquals(1, RawScu.eventType(report), "every instance committed");
                RawScu.Pdu reportData = scu.read();
                assertEquals(COMMITMENT_CONTEXT, RawScu.pdvContext(reportData.body()));
                CommitmentDataSet.Request listed = CommitmentDataSet.parse(RawScu.pdvData(reportData.body()), false, 100);
                assertEquals(transaction, listed.transactionUid());
                assertEquals(asked, listed.references());
                scu.send(RawScu.pData(COMMITMENT_CONTEXT, true, true, CommandSet.empty()
                        .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                        .putUs(CommandSet.COMMAND_FIELD, CommandField.N_EVENT_REPORT_RSP)
                        .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, RawScu.messageId(report))
                        .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                        .putUs(CommandSet.STATUS, 0)
                        .encode()));
                scu.send(RawScu.releaseRequest());
                assertEquals(0x06, scu.read().type(), "the association is still usable after the report");
                Thread.sleep(1_500); // a retry on a new association would come within the first backoff (1 s)
                assertEquals(0, connections.get(), "no new association to the configured peer");
            }
        }
    }
}
