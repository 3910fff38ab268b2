package dev.dicomgateway.receive;

import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandField;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.MalformedCommandException;
import dev.dicomgateway.receive.pdu.ControlPdu;
import dev.dicomgateway.receive.pdu.PDataWriter;
import dev.dicomgateway.receive.pdu.PduFormatException;
import dev.dicomgateway.receive.pdu.PduReader;
import dev.dicomgateway.receive.pdu.PduType;
import dev.dicomgateway.receive.pdu.PdvSource;
import dev.dicomgateway.receive.pdu.ReportAssociateRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The small SCU that delivers one Storage Commitment report on a new association: A-ASSOCIATE-RQ with the Push Model
 * context and the SCP role, N-EVENT-REPORT-RQ, its response, A-RELEASE. Bounded: connect and every read time out after
 * {@code timeout}, and no PDU longer than {@link #MAX_PDU} is read.
 */
final class CommitmentReportSender {
    private static final int MAX_PDU = 64 << 10;
    private static final int MAX_RESPONSE = 16 << 10;

    private final String ourAeTitle;
    private final Duration timeout;

    CommitmentReportSender(String ourAeTitle, Duration timeout) {
        this.ourAeTitle = ourAeTitle;
        this.timeout = timeout;
    }

    /**
     * Sends the report built by {@code eventInformation} (given whether the accepted transfer syntax is explicit VR)
     * with {@code eventType}; returns the peer's N-EVENT-REPORT-RSP status. An IOException means try again later.
     */
    int send(String host, int port, String calledAeTitle, int eventType, Function<Boolean, byte[]> eventInformation)
            throws IOException {
        // One deadline for the whole exchange (connect, association, report, answer, release): the read timeout
        // restarts with every byte, so a peer that drips or stops reading would otherwise hold the reporter for good.
        try (Socket socket = new Socket(); SocketWatchdog whole = SocketWatchdog.guard(socket, timeout.multipliedBy(3))) {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            PduReader pdus = new PduReader(new BufferedInputStream(socket.getInputStream(), 16 << 10));
            out.write(ReportAssociateRequest.encode(ourAeTitle, calledAeTitle, MAX_PDU));
            out.flush();
            PduReader.Header answer = pdus.nextHeader().orElseThrow(() -> new IOException(
                    "peer " + calledAeTitle + " closed the connection instead of answering the A-ASSOCIATE-RQ"));
            if (answer.type() != PduType.ASSOCIATE_AC) {
                throw new IOException(String.format("peer %s answered the A-ASSOCIATE-RQ with PDU type 0x%02X "
                        + "(rejected: is the gateway's AE title %s known to it as a modality?)", calledAeTitle,
                        answer.type(), ourAeTitle));
            }
            if (answer.length() > MAX_PDU) {
                throw new IOException("A-ASSOCIATE-AC of " + answer.length() + " bytes from " + calledAeTitle);
            }
            byte[] body = pdus.pDataBody(answer, MAX_PDU, new byte[(int) answer.length()]);
            Optional<ReportAssociateRequest.Accepted> accepted = ReportAssociateRequest.acceptedTransferSyntax(
                    java.util.Arrays.copyOf(body, (int) answer.length()));
            if (accepted.isEmpty()) {
                out.write(ControlPdu.abort(ControlPdu.SOURCE_SERVICE_USER, 0));
                out.flush();
                throw new IOException("peer " + calledAeTitle + " did not accept Storage Commitment Push Model with "
                        + "the gateway in the SCP role");
            }
            boolean explicit = !accepted.get().transferSyntax().equals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            CommandSet command = CommandSet.empty()
                    .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                    .putUs(CommandSet.COMMAND_FIELD, CommandField.N_EVENT_REPORT_RQ)
                    .putUs(CommandSet.MESSAGE_ID, 1)
                    .putUs(CommandSet.COMMAND_DATA_SET_TYPE, 0x0000)
                    .putUid(CommandSet.AFFECTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE)
                    .putUs(CommandSet.EVENT_TYPE_ID, eventType);
            long peerMax = accepted.get().peerMaxPduLength();
            out.write(PDataWriter.encode(ReportAssociateRequest.CONTEXT_ID, true, command.encode(), peerMax));
            out.write(PDataWriter.encode(ReportAssociateRequest.CONTEXT_ID, false, eventInformation.apply(explicit), peerMax));
            out.flush();
            int status = responseStatus(pdus);
            out.write(ControlPdu.releaseRequest());
            out.flush();
            pdus.nextHeader(); // A-RELEASE-RP, or the peer closes; either ends the association
            return status;
        } catch (PduFormatException | MalformedCommandException e) {
            throw new IOException("protocol error from " + calledAeTitle + ": " + e.getMessage(), e);
        }
    }

    private static int responseStatus(PduReader pdus) throws IOException, PduFormatException, MalformedCommandException {
        PdvSource pdvs = new PdvSource(pdus, MAX_PDU);
        ByteArrayOutputStream command = new ByteArrayOutputStream(256);
        while (pdvs.next()) {
            if (!pdvs.command()) {
                continue;
            }
            if (command.size() + pdvs.fragmentLength() > MAX_RESPONSE) {
                throw new IOException("N-EVENT-REPORT-RSP larger than " + MAX_RESPONSE + " bytes");
            }
            command.write(pdvs.buffer(), pdvs.fragmentOffset(), pdvs.fragmentLength());
            if (pdvs.last()) {
                CommandSet response = CommandSet.parse(command.toByteArray());
                if (response.us(CommandSet.COMMAND_FIELD) != CommandField.N_EVENT_REPORT_RSP) {
                    throw new IOException("expected N-EVENT-REPORT-RSP, got command field "
                            + response.us(CommandSet.COMMAND_FIELD));
                }
                return response.us(CommandSet.STATUS);
            }
        }
        throw new IOException("association ended before the N-EVENT-REPORT-RSP");
    }
}
