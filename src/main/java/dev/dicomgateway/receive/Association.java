package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandField;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.MalformedCommandException;
import dev.dicomgateway.receive.dimse.Status;
import dev.dicomgateway.receive.pdu.AssociateAccept;
import dev.dicomgateway.receive.pdu.AssociateReject;
import dev.dicomgateway.receive.pdu.AssociateRequest;
import dev.dicomgateway.receive.pdu.ControlPdu;
import dev.dicomgateway.receive.pdu.PDataWriter;
import dev.dicomgateway.receive.pdu.PduFormatException;
import dev.dicomgateway.receive.pdu.PduReader;
import dev.dicomgateway.receive.pdu.PduType;
import dev.dicomgateway.receive.pdu.PdvSource;
import dev.dicomgateway.receive.pdu.PresentationContextAnswer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DICOM association on one socket, run on its own thread: negotiation, then C-ECHO and C-STORE until release
 * or abort. Every way it can end — release, abort, drop, idle timeout, protocol error — closes the socket,
 * deletes a partial instance and is counted and logged once.
 */
final class Association implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Association.class);
    private static final int MAX_REQUEST_PDU = 1 << 20;
    private static final int MAX_COMMAND_SET = 64 << 10;
    /** Data set bytes that count as progress for the idle timeout even before the data set is complete. */
    private static final int PROGRESS_BYTES = 16 << 10;

    private final long id;
    private final Socket socket;
    private final GatewayConfig.Dicom settings;
    private final ReceivePolicy receivePolicy;
    private final AssociationLimit limit;
    private final PresentationContextPolicy policy;
    private final InstanceSink sink;
    private final ReceiveMetrics metrics;
    private final StorageCommitmentService commitments;

    private ReadDeadline deadline;
    private PduReader pdus;
    private PdvSource pdvs;
    private OutputStream out;
    private AssociateRequest request;
    private final Map<Integer, PresentationContextAnswer> accepted = new HashMap<>();
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(512);
    private int commandContext = -1;
    /** The C-STORE whose command has arrived and whose data set has not been answered yet. */
    private StoreTransfer transfer;
    /** The N-ACTION-RQ whose Action Information is arriving (bounded by {@link #MAX_ACTION_INFORMATION}), if any. */
    private CommandSet action;
    private final ByteArrayOutputStream actionBytes = new ByteArrayOutputStream();
    private static final int MAX_ACTION_INFORMATION = 8 << 20;
    /** Every PDU write holds it, so a Storage Commitment report sent from the reporter thread never splits a PDU. */
    private final Object writeLock = new Object();
    /** True from the A-ASSOCIATE-AC until release, abort or drop: a report may be sent on the association. */
    private volatile boolean established;
    /** The answer awaited for the report sent on this association, and that report's Message ID. */
    private volatile CompletableFuture<Integer> reportAnswer;
    private volatile int reportMessageId;
    private int nextReportMessageId;
    private long instancesStored;
    private long instancesFailed;
    private long bytesReceived;
    private long bytesSinceProgress;

    Association(long id, Socket socket, GatewayConfig.Dicom settings, ReceivePolicy receivePolicy,
                AssociationLimit limit, PresentationContextPolicy policy, InstanceSink sink, ReceiveMetrics metrics,
                StorageCommitmentService commitments) {
        this.id = id;
        this.socket = socket;
        this.settings = settings;
        this.receivePolicy = receivePolicy;
        this.limit = limit;
        this.policy = policy;
        this.sink = sink;
        this.metrics = metrics;
        this.commitments = commitments;
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        boolean holdsSlot = false;
        AssociationResult outcome = AssociationResult.DROPPED;
        try {
            socket.setTcpNoDelay(true);
            deadline = new ReadDeadline(socket, settings.associationRequestTimeout());
            pdus = new PduReader(new BufferedInputStream(deadline, 64 * 1024));
            out = socket.getOutputStream();
            Optional<AssociateReject> rejection = negotiate();
            if (rejection.isEmpty() && !limit.tryAcquire()) {
                rejection = Optional.of(AssociateReject.LOCAL_LIMIT_EXCEEDED);
            }
            if (rejection.isPresent()) {
                out.write(rejection.get().encode());
                out.flush();
                outcome = AssociationResult.ofRejection(rejection.get().label());
                closeGently();
                return;
            }
            holdsSlot = true;
            metrics.activeAssociations().incrementAndGet();
            List<PresentationContextAnswer> answers = policy.negotiate(request.presentationContexts());
            answers.stream().filter(PresentationContextAnswer::accepted).forEach(answer -> accepted.put(answer.id(), answer));
            synchronized (writeLock) {
                out.write(AssociateAccept.encode(request, answers, settings.maxPduLength()));
                out.flush();
                established = true;
            }
            LOG.debug("association id={} accepted: calling_ae={} peer={} contexts_accepted={}/{}", id,
                    LogText.escape(request.callingAeTitle()), socket.getRemoteSocketAddress(), accepted.size(), answers.size());
            deadline.extend(settings.idleTimeout());
            outcome = serve();
        } catch (SocketTimeoutException e) {
            outcome = request == null ? AssociationResult.REQUEST_TIMEOUT : AssociationResult.IDLE_TIMEOUT;
            sendAbort(ControlPdu.SOURCE_SERVICE_USER, 0);
        } catch (PduFormatException e) {
            outcome = request == null ? AssociationResult.INVALID_REQUEST : AssociationResult.PROTOCOL_ERROR;
            LOG.warn("association id={} protocol error: {}", id, LogText.escape(e.getMessage()));
            sendAbort(ControlPdu.SOURCE_SERVICE_PROVIDER, e.abortReason());
        } catch (MalformedCommandException e) {
            outcome = AssociationResult.PROTOCOL_ERROR;
            LOG.warn("association id={} malformed DIMSE command: {}", id, LogText.escape(e.getMessage()));
            sendAbort(ControlPdu.SOURCE_SERVICE_PROVIDER, PduFormatException.INVALID_PDU_PARAMETER_VALUE);
        } catch (EOFException e) {
            outcome = AssociationResult.DROPPED;
        } catch (IOException e) {
            outcome = AssociationResult.DROPPED;
            LOG.debug("association id={} connection error", id, e);
        } catch (Throwable e) {
            outcome = AssociationResult.INTERNAL_ERROR;
            LOG.error("association id={} failed unexpectedly ({}: {}); aborted", id, e.getClass().getName(),
                    LogText.escape(e.getMessage()));
            LOG.debug("association id={} failure", id, e);
            sendAbort(ControlPdu.SOURCE_SERVICE_USER, 0);
            if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
                throw fatal; // after the finally block has recorded this association; the JVM itself is in trouble
            }
        } finally {
            ended();
            if (transfer != null) { // its sink has removed whatever it had staged of it
                metrics.instanceRejected(RefusalReason.INCOMPLETE);
                instancesFailed++;
            }
            closeQuietly();
            if (holdsSlot) {
                limit.release();
                metrics.activeAssociations().decrementAndGet();
            }
            metrics.association(outcome);
            logEnd(outcome, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Reads the A-ASSOCIATE-RQ; returns the rejection it deserves, if any. */
    private Optional<AssociateReject> negotiate() throws IOException, PduFormatException {
        request = pdus.associateRequest(MAX_REQUEST_PDU);
        return receivePolicy.rejection(request);
    }

    /** The association's message loop; returns how it ended. */
    private AssociationResult serve() throws IOException, PduFormatException, MalformedCommandException {
        pdvs = new PdvSource(pdus, settings.maxPduLength());
        while (true) {
            if (pdvs.next()) {
                onPdv();
                continue;
            }
            Optional<PduReader.Header> next = pdvs.takePending();
            if (next.isEmpty()) {
                return AssociationResult.DROPPED;
            }
            PduReader.Header header = next.get();
            switch (header.type()) {
                case PduType.RELEASE_RQ -> {
                    pdus.controlBody(header);
                    synchronized (writeLock) {
                        ended();
                        out.write(ControlPdu.releaseResponse());
                        out.flush();
                    }
                    closeGently();
                    return AssociationResult.RELEASED;
                }
                case PduType.ABORT -> {
                    pdus.controlBody(header);
                    ended();
                    return AssociationResult.ABORTED_BY_PEER;
                }
                default -> throw new PduFormatException(PduFormatException.UNEXPECTED_PDU,
                        String.format("unexpected PDU type 0x%02X during an established association", header.type()));
            }
        }
    }

    private void onPdv() throws IOException, PduFormatException, MalformedCommandException {
        int contextId = pdvs.contextId();
        if (!accepted.containsKey(contextId)) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    "PDV on presentation context " + contextId + ", which was not accepted");
        }
        if (pdvs.command()) {
            onCommandFragment(contextId, pdvs.fragmentOffset(), pdvs.fragmentLength(), pdvs.last());
        } else if (action != null) {
            onActionInformation(contextId);
        } else {
            onDataSet(contextId);
        }
    }

    private void onCommandFragment(int contextId, int offset, int length, boolean last)
            throws IOException, PduFormatException, MalformedCommandException {
        if (transfer != null || action != null) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    "command fragment while a data set was still arriving");
        }
        if (commandContext != -1 && commandContext != contextId) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    "command fragments on two presentation contexts");
        }
        if (commandBytes.size() + length > MAX_COMMAND_SET) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE, "command set larger than 64 KiB");
        }
        commandContext = contextId;
        commandBytes.write(pdvs.buffer(), offset, length);
        if (!last) {
            return;
        }
        CommandSet command = CommandSet.parse(commandBytes.toByteArray());
        commandBytes.reset();
        commandContext = -1;
        if (command.us(CommandSet.COMMAND_FIELD) != CommandField.C_CANCEL_RQ) {
            progressed(); // a C-CANCEL does nothing here (a C-STORE cannot be cancelled), so it is no progress either
        }
        onCommand(contextId, command);
    }

    private void onCommand(int contextId, CommandSet command) throws IOException, PduFormatException {
        int field = command.us(CommandSet.COMMAND_FIELD);
        boolean hasDataSet = command.us(CommandSet.COMMAND_DATA_SET_TYPE) != CommandField.NO_DATA_SET;
        switch (field) {
            case CommandField.C_ECHO_RQ -> {
                if (hasDataSet) {
                    throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER, "C-ECHO-RQ with a data set");
                }
                respond(contextId, CommandSet.empty()
                        .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, command.uid(CommandSet.AFFECTED_SOP_CLASS_UID))
                        .putUs(CommandSet.COMMAND_FIELD, CommandField.C_ECHO_RSP)
                        .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, command.us(CommandSet.MESSAGE_ID))
                        .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                        .putUs(CommandSet.STATUS, Status.SUCCESS));
            }
            case CommandField.C_STORE_RQ -> {
                if (!hasDataSet) {
                    throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER, "C-STORE-RQ without a data set");
                }
                transfer = StoreTransfer.begin(accepted.get(contextId), command, request.callingAeTitle(), sink);
            }
            case CommandField.C_CANCEL_RQ -> {
                // C-STORE cannot be cancelled once its data set is flowing; nothing to do
            }
            case CommandField.N_ACTION_RQ -> {
                if (!Uids.STORAGE_COMMITMENT_PUSH_MODEL.equals(accepted.get(contextId).abstractSyntax())) {
                    throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                            "N-ACTION-RQ on a presentation context other than Storage Commitment Push Model");
                }
                if (hasDataSet) {
                    action = command; // the Action Information follows
                } else {
                    respond(contextId, commitments.action(command, null, null, request.callingAeTitle(),
                            new OpenReportChannel(contextId)));
                }
            }
            case CommandField.N_EVENT_REPORT_RSP -> onReportAnswer(command, hasDataSet);
            default -> throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    String.format("unsupported DIMSE command 0x%04X (this gateway is a storage SCP)", field));
        }
    }

    /**
     * The first fragment of a C-STORE's data set: the sink reads the data set as it arrives, in one call; what it left
     * unread is read and dropped; then the answer. An interrupted data set is not answered: the association ends.
     */
    private void onDataSet(int contextId) throws IOException, PduFormatException {
        if (transfer == null) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER, "data fragment without a C-STORE-RQ");
        }
        if (transfer.contextId() != contextId) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    "data fragment on another presentation context than its command");
        }
        DataSetStream dataSet = new DataSetStream(pdvs, contextId, this::dataSetBytes);
        StoreOutcome outcome = transfer.store(dataSet);
        if (!dataSet.drain()) {
            interrupted(dataSet.interruption());
            return; // a release or abort is waiting in the PDV source; transfer stays set: counted as incomplete
        }
        StoreTransfer finished = transfer;
        transfer = null;
        if (outcome.success()) {
            instancesStored++;
            metrics.instanceReceived(receivePolicy.callingAeLabel(request.callingAeTitle()));
            if (outcome.duplicateStage() != null) {
                metrics.duplicate(outcome.duplicateStage());
            }
        } else {
            instancesFailed++;
            metrics.instanceRejected(outcome.reason());
            LOG.warn("association id={} message={} refused with status {} ({}): {}{}", id, finished.messageId(),
                    Status.hex(outcome.status()), outcome.reason().label(), LogText.escape(outcome.comment()),
                    outcome.cause().isEmpty() ? "" : " (cause: " + LogText.escape(outcome.cause()) + ")");
        }
        CommandSet response = CommandSet.empty()
                .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, finished.sopClassUid())
                .putUs(CommandSet.COMMAND_FIELD, CommandField.C_STORE_RSP)
                .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, finished.messageId())
                .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                .putUs(CommandSet.STATUS, outcome.status())
                .putUid(CommandSet.AFFECTED_SOP_INSTANCE_UID, finished.sopInstanceUid());
        if (!outcome.success()) {
            response.putText(CommandSet.ERROR_COMMENT, outcome.comment());
        }
        respond(contextId, response);
        progressed(); // the time we spent staging is not the peer's idleness
    }

    /** A fragment of an N-ACTION's Action Information; the last one gets the request answered. */
    private void onActionInformation(int contextId) throws IOException, PduFormatException {
        if (actionBytes.size() + pdvs.fragmentLength() > MAX_ACTION_INFORMATION) {
            throw new PduFormatException(PduFormatException.INVALID_PDU_PARAMETER_VALUE,
                    "N-ACTION Action Information larger than 8 MiB");
        }
        actionBytes.write(pdvs.buffer(), pdvs.fragmentOffset(), pdvs.fragmentLength());
        if (!pdvs.last()) {
            return;
        }
        CommandSet command = action;
        action = null;
        byte[] information = actionBytes.toByteArray();
        actionBytes.reset();
        synchronized (writeLock) { // the reporter may send the N-EVENT-REPORT only after the N-ACTION-RSP
            respond(contextId, commitments.action(command, information, accepted.get(contextId).transferSyntax(),
                    request.callingAeTitle(), new OpenReportChannel(contextId)));
        }
        progressed();
    }

    /** The requester's answer to the report sent on this association: hands its status to the waiting reporter. */
    private void onReportAnswer(CommandSet command, boolean hasDataSet) throws PduFormatException {
        CompletableFuture<Integer> waiting = reportAnswer;
        if (hasDataSet || waiting == null
                || command.us(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO) != reportMessageId) {
            throw new PduFormatException(PduFormatException.UNEXPECTED_PDU_PARAMETER,
                    "N-EVENT-REPORT-RSP that answers no report sent on this association");
        }
        reportAnswer = null;
        waiting.complete(command.us(CommandSet.STATUS));
    }

    /** No report may be sent any more; one waiting for its answer learns at once. */
    private void ended() {
        established = false;
        CompletableFuture<Integer> waiting = reportAnswer;
        if (waiting != null) {
            waiting.completeExceptionally(new IOException("the association ended before the N-EVENT-REPORT-RSP"));
        }
    }

    /** This association as the way back for the report of an N-ACTION received on presentation context {@code contextId}. */
    private final class OpenReportChannel implements ReportChannel {
        private final int contextId;

        OpenReportChannel(int contextId) {
            this.contextId = contextId;
        }

        @Override
        public boolean open() {
            return established;
        }

        @Override
        public int send(int eventType, Function<Boolean, byte[]> eventInformation, java.time.Duration timeout)
                throws IOException {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            boolean explicit = !dev.dicomgateway.dicom.TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(
                    accepted.get(contextId).transferSyntax());
            byte[] information = eventInformation.apply(explicit);
            // Writes have no timeout of their own: a requester that stops reading would block this (the only
            // reporter) thread for good, holding the write lock the association's abort needs. Past the timeout the
            // socket is closed, which fails the write and ends the association.
            try (SocketWatchdog watchdog = SocketWatchdog.guard(socket, timeout)) {
                synchronized (writeLock) {
                    if (!established) {
                        throw new IOException("the association that carried the N-ACTION has ended");
                    }
                    nextReportMessageId = nextReportMessageId % 0xFFFF + 1;
                    reportMessageId = nextReportMessageId;
                    reportAnswer = answer;
                    CommandSet command = CommandSet.empty()
                            .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                            .putUs(CommandSet.COMMAND_FIELD, CommandField.N_EVENT_REPORT_RQ)
                            .putUs(CommandSet.MESSAGE_ID, reportMessageId)
                            .putUs(CommandSet.COMMAND_DATA_SET_TYPE, 0x0000)
                            .putUid(CommandSet.AFFECTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE)
                            .putUs(CommandSet.EVENT_TYPE_ID, eventType);
                    out.write(PDataWriter.encode(contextId, true, command.encode(), request.peerMaxPduLength()));
                    out.write(PDataWriter.encode(contextId, false, information, request.peerMaxPduLength()));
                    out.flush();
                }
            }
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException("no N-EVENT-REPORT-RSP on the requester's association within "
                        + timeout + " (dicom.storageCommitment.reportTimeout)");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the N-EVENT-REPORT-RSP", e);
            } finally {
                reportAnswer = null;
            }
        }
    }

    /** Rethrows what ended the data set, unless it is a PDU the message loop acts on. */
    private static void interrupted(Exception cause) throws IOException, PduFormatException {
        if (cause instanceof PduFormatException format) {
            throw format;
        }
        if (cause instanceof IOException io) {
            throw io;
        }
    }

    /** Data set bytes count as progress for the idle timeout every {@link #PROGRESS_BYTES}. */
    private void dataSetBytes(int length) {
        bytesReceived += length;
        bytesSinceProgress += length;
        metrics.bytesReceived(length);
        if (bytesSinceProgress >= PROGRESS_BYTES) {
            progressed();
        }
    }

    /**
     * Real progress restarts the idle timeout: a complete command, a complete data set or {@link #PROGRESS_BYTES} of
     * one. Empty or one-byte P-DATA-TF PDUs do not, so a peer cannot hold a slot by dripping them.
     */
    private void progressed() {
        bytesSinceProgress = 0;
        deadline.extend(settings.idleTimeout());
    }

    private void respond(int contextId, CommandSet command) throws IOException {
        synchronized (writeLock) {
            out.write(PDataWriter.encode(contextId, true, command.encode(), request.peerMaxPduLength()));
            out.flush();
        }
    }

    private void sendAbort(int source, int reason) {
        if (out == null) {
            return;
        }
        try {
            synchronized (writeLock) {
                ended();
                out.write(ControlPdu.abort(source, reason));
                out.flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone already; the socket is closed next
        }
    }

    /** Half-closes our side so the last PDU is delivered before the connection goes away. */
    private void closeGently() {
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // closed next
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private void logEnd(AssociationResult outcome, long durationMillis) {
        String calling = request == null ? "-" : LogText.escape(request.callingAeTitle());
        String called = request == null ? "-" : LogText.escape(request.calledAeTitle());
        LOG.info("association id={} calling_ae={} called_ae={} peer={} instances={} failed={} bytes={} duration_ms={} outcome={}",
                id, calling, called, socket.getRemoteSocketAddress(), instancesStored, instancesFailed, bytesReceived,
                durationMillis, outcome.label());
        metrics.associationEnded(new AssociationSummary(id, calling, called, socket.getInetAddress().getHostAddress() + ":" + socket.getPort(),
                instancesStored, instancesFailed, bytesReceived, java.time.Instant.now(), durationMillis, outcome.label()));
    }
}
