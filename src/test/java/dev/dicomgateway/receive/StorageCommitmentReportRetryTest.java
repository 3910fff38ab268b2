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
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requester's report SCP is down when the report is ready (its first connection is closed unanswered) and comes
 * up later: the report is retried on a new association and arrives. The peer here is written from PS3.8 by hand.
 */
class StorageCommitmentReportRetryTest {
    @TempDir
    Path dir;

    @Test
    void aReportThePeerRefusedAtFirstArrivesOnTheRetry() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> received = new CompletableFuture<>();
        try (ServerSocket peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread scp = new Thread(() -> serve(peer, attempts, received));
            scp.setDaemon(true);
            scp.start();
            try (Gateway gateway = TestGateway.start(dir.resolve("spool"),
                    "DICOM_GATEWAY_DICOM_STORAGECOMMITMENT_PEERS", "MODALITY=127.0.0.1:" + peer.getLocalPort());
                 RawScu scu = RawScu.connect(gateway.dicomPort())) {
                scu.setTimeoutMillis(10_000);
                scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "MODALITY", Uids.STORAGE_COMMITMENT_PUSH_MODEL,
                        TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
                assertEquals(0x02, scu.read().type());
                scu.send(RawScu.pData(true, true, CommandSet.empty()
                        .putUid(CommandSet.REQUESTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                        .putUs(CommandSet.COMMAND_FIELD, CommandField.N_ACTION_RQ)
                        .putUs(CommandSet.MESSAGE_ID, 1)
                        .putUs(CommandSet.COMMAND_DATA_SET_TYPE, 0)
                        .putUid(CommandSet.REQUESTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE)
                        .putUs(CommandSet.ACTION_TYPE_ID, 1)
                        .encode()));
                scu.send(RawScu.pData(false, true, CommitmentDataSet.encodeReport("1.2.826.0.1.3680043.10.548.99",
                        List.of(new CommitmentDataSet.Reference(RawScu.CT_IMAGE_STORAGE, "1.2.826.0.1.3680043.10.548.1")),
                        List.of(), false)));
                assertEquals(CommandField.N_ACTION_RSP, RawScu.commandField(RawScu.pdvData(scu.read().body())));
                scu.send(RawScu.releaseRequest()); // gone before the report: it must go to peers
                while (scu.read().type() != 0x06) {
                    // a report that won the race with the release is not answered; the release ends it
                }
                String information = received.get(15, TimeUnit.SECONDS);
                assertEquals(true, information.contains("1.2.826.0.1.3680043.10.548.99"), "the Transaction UID echoed");
                assertEquals(true, information.contains("1.2.826.0.1.3680043.10.548.1"), "the instance listed failed");
                assertEquals(2, attempts.get(), "refused once, then delivered on the retry");
            }
        }
    }

    /** First connection: closed at once (the SCP is "down"). Second: accepts, takes the report, answers, releases. */
    private static void serve(ServerSocket listener, AtomicInteger attempts, CompletableFuture<String> received) {
        try {
            try (Socket refused = listener.accept()) {
                attempts.incrementAndGet();
            }
            try (Socket socket = listener.accept()) {
                attempts.incrementAndGet();
                socket.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                read(in); // A-ASSOCIATE-RQ
                out.write(associateAccept());
                byte[] command = RawScu.pdvData(read(in));
                byte[] information = RawScu.pdvData(read(in));
                assertEquals(CommandField.N_EVENT_REPORT_RQ, RawScu.commandField(command));
                assertEquals(2, RawScu.eventType(command), "the instance was never received");
                out.write(RawScu.pData(true, true, CommandSet.empty()
                        .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                        .putUs(CommandSet.COMMAND_FIELD, CommandField.N_EVENT_REPORT_RSP)
                        .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, RawScu.messageId(command))
                        .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                        .putUs(CommandSet.STATUS, 0)
                        .encode()));
                out.flush();
                String transaction = new String(information, StandardCharsets.US_ASCII); // holds the Transaction UID
                read(in); // A-RELEASE-RQ
                out.write(new byte[] {6, 0, 0, 0, 0, 4, 0, 0, 0, 0});
                out.flush();
                received.complete(transaction);
            }
        } catch (Throwable e) {
            received.completeExceptionally(e);
        }
    }

    private static byte[] read(DataInputStream in) throws java.io.IOException {
        in.readUnsignedByte();
        in.readUnsignedByte();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return body;
    }

    /** An A-ASSOCIATE-AC accepting context 1 with implicit VR little endian, max PDU 16 KiB. */
    private static byte[] associateAccept() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 1, 0, 0});
        body.writeBytes(new byte[64]); // called and calling AE (not checked by the gateway), reserved
        ByteArrayOutputStream context = new ByteArrayOutputStream();
        context.writeBytes(new byte[] {1, 0, 0, 0});
        item(context, 0x40, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.getBytes(StandardCharsets.US_ASCII));
        item(body, 0x10, "1.2.840.10008.3.1.1.1".getBytes(StandardCharsets.US_ASCII));
        item(body, 0x21, context.toByteArray());
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, new byte[] {0, 0, 0x40, 0});
        item(body, 0x50, user.toByteArray());
        byte[] bytes = body.toByteArray();
        ByteArrayOutputStream pdu = new ByteArrayOutputStream();
        pdu.writeBytes(new byte[] {2, 0, (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                (byte) (bytes.length >>> 8), (byte) bytes.length});
        pdu.writeBytes(bytes);
        return pdu.toByteArray();
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >>> 8);
        out.write(value.length & 0xFF);
        out.writeBytes(value);
    }
}
