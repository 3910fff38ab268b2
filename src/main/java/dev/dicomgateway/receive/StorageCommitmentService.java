package dev.dicomgateway.receive;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.dimse.CommandField;
import dev.dicomgateway.receive.dimse.CommandSet;
import dev.dicomgateway.receive.dimse.CommitmentDataSet;
import dev.dicomgateway.receive.dimse.MalformedCommandException;
import dev.dicomgateway.receive.dimse.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Storage Commitment Push Model SCP (PS3.4 J): answers an N-ACTION (Action Type 1) at once, then — once every
 * listed instance the gateway received is durable in the spool (dicom.storageCommitment.when: spooled) or delivered
 * (when: delivered) — sends the N-EVENT-REPORT on the requester's association if it is still open, otherwise to the
 * requester's address in dicom.storageCommitment.peers on a new association, retrying with backoff until dicom.storageCommitment.giveUpAfter. Instances the gateway never received
 * are reported failed (0x0112), a SOP Class that differs from the received one as 0x0119. Logs carry the requester's
 * AE title and counts, never an instance UID.
 */
public final class StorageCommitmentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageCommitmentService.class);
    private static final int NO_SUCH_OBJECT_INSTANCE = 0x0112;
    private static final int CLASS_INSTANCE_CONFLICT = 0x0119;
    private static final int PROCESSING_FAILURE = 0x0110;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final GatewayConfig.StorageCommitment settings;
    private final InstanceCommitment instances;
    private final CommitmentReportSender sender;
    private final ScheduledExecutorService reporter;
    private final AtomicInteger pending = new AtomicInteger();
    private final PendingCommitments store;

    /** Requests kept in memory only (lost at a restart). */
    public StorageCommitmentService(String ourAeTitle, GatewayConfig.StorageCommitment settings,
                                    InstanceCommitment instances) {
        this(ourAeTitle, settings, instances, PendingCommitments.IN_MEMORY);
    }

    /** Requests kept durably in {@code store}; those stored before a restart are resumed at once. */
    public StorageCommitmentService(String ourAeTitle, GatewayConfig.StorageCommitment settings,
                                    InstanceCommitment instances, PendingCommitments store) {
        this.settings = settings;
        this.instances = instances;
        this.store = store;
        this.sender = new CommitmentReportSender(ourAeTitle, settings.reportTimeout());
        this.reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "storage-commitment-reporter");
            thread.setDaemon(true);
            return thread;
        });
        List<PendingCommitments.Pending> stored;
        try {
            stored = store.load();
        } catch (IOException e) {
            LOG.error("pending storage commitments cannot be listed ({}); they are not reported until the next start",
                    LogText.escape(e.getMessage()));
            stored = List.of();
        }
        for (PendingCommitments.Pending resumed : stored) {
            pending.incrementAndGet();
            Pending job = new Pending(resumed.id(), resumed.requester(), resumed.request(), resumed.createdMillis());
            reporter.schedule(() -> attempt(job), 0, TimeUnit.MILLISECONDS);
        }
        if (!stored.isEmpty()) {
            LOG.info("storage commitment: {} pending requests resumed", stored.size());
        }
    }

    /**
     * Answers the N-ACTION-RQ {@code command} with its Action Information {@code dataSet} (in {@code transferSyntax})
     * from {@code callingAeTitle} on {@code requesterAssociation}; schedules the report when it is accepted — on that
     * association while it is open, else on a new one to the requester's address in peers. Never throws on hostile input: a
     * malformed request is answered with a failure status.
     */
    CommandSet action(CommandSet command, byte[] dataSet, String transferSyntax, String callingAeTitle,
                      ReportChannel requesterAssociation) {
        CommandSet response = CommandSet.empty()
                .putUid(CommandSet.AFFECTED_SOP_CLASS_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL)
                .putUs(CommandSet.COMMAND_FIELD, CommandField.N_ACTION_RSP)
                .putUs(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, command.us(CommandSet.MESSAGE_ID))
                .putUs(CommandSet.COMMAND_DATA_SET_TYPE, CommandField.NO_DATA_SET)
                .putUid(CommandSet.AFFECTED_SOP_INSTANCE_UID, Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE);
        String ae = LogText.escape(callingAeTitle);
        if (!Uids.STORAGE_COMMITMENT_PUSH_MODEL_INSTANCE.equals(command.uid(CommandSet.REQUESTED_SOP_INSTANCE_UID))) {
            return refuse(response, Status.NO_SUCH_SOP_INSTANCE, "Requested SOP Instance is not 1.2.840.10008.1.20.1.1", ae);
        }
        if (command.us(CommandSet.ACTION_TYPE_ID) != 1) {
            return refuse(response, Status.NO_SUCH_ACTION, "Action Type ID must be 1 (Request Storage Commitment)", ae);
        }
        if (dataSet == null) {
            return refuse(response, Status.INVALID_ARGUMENT_VALUE, "N-ACTION-RQ without Action Information", ae);
        }
        CommitmentDataSet.Request request;
        try {
            request = CommitmentDataSet.parse(dataSet,
                    !TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax), settings.maxInstancesPerRequest());
        } catch (CommitmentDataSet.LimitException e) {
            return refuse(response, Status.RESOURCE_LIMITATION, e.getMessage(), ae);
        } catch (MalformedCommandException e) {
            return refuse(response, Status.INVALID_ARGUMENT_VALUE, e.getMessage(), ae);
        }
        if (pending.incrementAndGet() > settings.maxPending()) {
            pending.decrementAndGet();
            return refuse(response, Status.RESOURCE_LIMITATION,
                    "too many pending requests (dicom.storageCommitment.maxPending)", ae);
        }
        LOG.info("storage commitment requested: calling_ae={} instances={} when={}", ae, request.references().size(),
                settings.when());
        Pending job = new Pending(java.util.UUID.randomUUID().toString().replace("-", ""), callingAeTitle, request,
                System.currentTimeMillis());
        job.channel = requesterAssociation;
        try {
            store.save(new PendingCommitments.Pending(job.id, job.requester, job.created, request));
        } catch (IOException | RuntimeException e) {
            pending.decrementAndGet();
            LOG.error("storage commitment request from calling_ae={} not kept: {}", ae, LogText.escape(e.getMessage()));
            return response.putUs(CommandSet.STATUS, Status.PROCESSING_FAILURE)
                    .putText(CommandSet.ERROR_COMMENT, "cannot store the request in spool.dir/commitments");
        }
        reporter.schedule(() -> attempt(job), 0, TimeUnit.MILLISECONDS);
        return response.putUs(CommandSet.STATUS, Status.SUCCESS);
    }

    private static CommandSet refuse(CommandSet response, int status, String why, String ae) {
        LOG.warn("storage commitment request from calling_ae={} refused with status {}: {}", ae, Status.hex(status), why);
        return response.putUs(CommandSet.STATUS, status).putText(CommandSet.ERROR_COMMENT, why);
    }

    private final class Pending {
        final String id;
        final String requester;
        final CommitmentDataSet.Request request;
        final long created;
        Duration retry = FIRST_RETRY;
        /** The association that carried the N-ACTION; null once it failed us, and for requests resumed at a start. */
        ReportChannel channel;

        Pending(String id, String requester, CommitmentDataSet.Request request, long createdMillis) {
            this.id = id;
            this.requester = requester;
            this.request = request;
            this.created = createdMillis;
        }

        boolean expired() {
            return System.currentTimeMillis() - created > settings.giveUpAfter().toMillis();
        }
    }

    /** The request is done with (reported, undeliverable or given up): it leaves the store and the count. */
    private void finished(Pending job) {
        pending.decrementAndGet();
        try {
            store.delete(job.id);
        } catch (IOException e) {
            LOG.warn("pending storage commitment {} could not be deleted ({}); it is reported again at the next start",
                    job.id, LogText.escape(e.getMessage()));
        }
    }

    /** One try: decide every instance (or wait for delivery), then send; reschedules itself until done or given up. */
    private void attempt(Pending job) {
        String ae = LogText.escape(job.requester);
        try {
            List<CommitmentDataSet.Reference> committed = new ArrayList<>();
            List<CommitmentDataSet.Failure> failed = new ArrayList<>();
            boolean waiting = false;
            for (CommitmentDataSet.Reference reference : job.request.references()) {
                InstanceCommitment.State state = instances.state(reference.sopClassUid(), reference.sopInstanceUid());
                switch (state) {
                    case DELIVERED -> committed.add(reference);
                    case DURABLE -> {
                        if (settings.when() == GatewayConfig.CommitWhen.SPOOLED) {
                            committed.add(reference);
                        } else if (job.expired()) {
                            failed.add(new CommitmentDataSet.Failure(reference, PROCESSING_FAILURE));
                        } else {
                            waiting = true;
                        }
                    }
                    case NOT_RECEIVED -> failed.add(new CommitmentDataSet.Failure(reference, NO_SUCH_OBJECT_INSTANCE));
                    case CLASS_MISMATCH -> failed.add(new CommitmentDataSet.Failure(reference, CLASS_INSTANCE_CONFLICT));
                }
            }
            if (waiting) {
                reporter.schedule(() -> attempt(job), settings.deliveryCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            int eventType = failed.isEmpty() ? 1 : 2;
            Function<Boolean, byte[]> report =
                    explicit -> CommitmentDataSet.encodeReport(job.request.transactionUid(), committed, failed, explicit);
            if (job.channel != null && job.channel.open()) {
                try {
                    int status = job.channel.send(eventType, report, settings.reportTimeout());
                    if (status != Status.SUCCESS) {
                        throw new IOException("the requester answered the N-EVENT-REPORT with status " + Status.hex(status));
                    }
                    LOG.info("storage commitment report sent on the requester's association: calling_ae={} "
                            + "committed={} failed={}", ae, committed.size(), failed.size());
                    finished(job);
                    return;
                } catch (IOException e) {
                    LOG.warn("storage commitment report for calling_ae={} not delivered on the requester's association "
                            + "({}); trying a new association", ae, LogText.escape(e.getMessage()));
                }
            }
            job.channel = null;
            GatewayConfig.Peer peer = settings.peers().get(job.requester);
            if (peer == null) {
                LOG.warn("storage commitment report for calling_ae={} cannot be delivered: the AE title is not in "
                        + "dicom.storageCommitment.peers (add it with its host:port) and its association ended before "
                        + "the report was ready", ae);
                finished(job);
                return;
            }
            int status = sender.send(peer.host(), peer.port(), job.requester, eventType, report);
            if (status != Status.SUCCESS) {
                throw new IOException("the requester answered the N-EVENT-REPORT with status " + Status.hex(status));
            }
            LOG.info("storage commitment report sent: calling_ae={} committed={} failed={}", ae, committed.size(),
                    failed.size());
            finished(job);
        } catch (IOException | RuntimeException e) {
            if (job.expired()) {
                LOG.error("storage commitment report for calling_ae={} given up after {} "
                        + "(dicom.storageCommitment.giveUpAfter): {}", ae, settings.giveUpAfter(), LogText.escape(e.getMessage()));
                finished(job);
                return;
            }
            Duration delay = job.retry;
            job.retry = job.retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : job.retry.multipliedBy(2);
            LOG.warn("storage commitment report for calling_ae={} not delivered ({}); retry in {}", ae,
                    LogText.escape(e.getMessage()), delay);
            reporter.schedule(() -> attempt(job), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        reporter.shutdownNow();
    }
}
