package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.CheckResult;
import dev.dicomgateway.deliver.DeliveryException;
import dev.dicomgateway.deliver.GoogleClients;
import dev.dicomgateway.deliver.MetadataRowSource;
import dev.dicomgateway.deliver.MetadataStore;
import dev.dicomgateway.deliver.TransientDeliveryException;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * metadata.type=bigquery. A batch's rows are typed ({@link TableRows}) and queued durably under the spool; the
 * loader sends everything queued in one load job per metadata.bigquery.loadInterval, exactly once. The batch stays
 * undelivered (state metadata_queued) until its load job is done.
 */
public final class BigQueryMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(BigQueryMetadataStore.class);

    private final GatewayConfig config;
    private final GatewayConfig.BigQuery settings;
    private final BigQuery client;
    private final TableId table;
    private final BigQueryTables tables;
    private ScheduledExecutorService scheduler;
    private volatile BigQueryLoader loader;

    private BigQueryMetadataStore(GatewayConfig config) {
        this.config = config;
        this.settings = config.metadata().bigquery();
        this.client = BigQueryConnection.client(settings);
        if (client.getOptions().getProjectId() == null || client.getOptions().getProjectId().isEmpty()) {
            throw new IllegalArgumentException("metadata.type bigquery needs a project: set metadata.bigquery.project "
                    + "(or destination.gcs.project, GOOGLE_CLOUD_PROJECT, GOOGLE_PROJECT_NAME)");
        }
        this.table = BigQueryConnection.table(client, settings);
        this.tables = new BigQueryTables(client, table, settings.location());
    }

    public static BigQueryMetadataStore fromConfig(GatewayConfig config) {
        return new BigQueryMetadataStore(config);
    }

    /**
     * For `status`: the load jobs of the spool at {@code spoolDirectory} that are recorded but not yet known to be
     * done, one line each (job id, batches, rows, submissions so far, since when).
     */
    public static List<String> loadsInProgress(java.nio.file.Path spoolDirectory) throws IOException {
        return LoadQueue.records(new SpoolLayout(spoolDirectory).bigQueryLoads()).stream()
                .filter(r -> r.state().equals(LoadRecord.SUBMITTING))
                .map(r -> r.jobId() + ": " + r.batches().size() + " batch(es), " + r.rows() + " rows, submitted "
                        + r.submissions() + " time(s), recorded " + r.createdAt()).toList();
    }

    @Override
    public String type() {
        return "bigquery";
    }

    @Override
    public synchronized void start() throws IOException {
        GoogleClients.requireCredentials("metadata.bigquery.credentials", settings.credentials());
        SpoolLayout layout = new SpoolLayout(config.spool().dir());
        LoadQueue queue = new LoadQueue(layout.bigQueryLoads());
        BigQueryLoader started = new BigQueryLoader(queue, tables, new LoadJobs(client, table, tables::jobLocation),
                config.gatewayId(), Clock.systemUTC());
        started.recover();
        loader = started;
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bigquery-loader");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.loadInterval().toMillis();
        scheduler.scheduleWithFixedDelay(started::cycle, 0, interval, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(() -> purge(started, layout), 1, 60, TimeUnit.MINUTES);
        LOG.info("BigQuery metadata to {}.{}.{}, one load job per {}", table.getProject(), table.getDataset(),
                table.getTable(), settings.loadInterval());
    }

    private void purge(BigQueryLoader started, SpoolLayout layout) {
        try {
            started.purge(config.spool().keepManifests().plus(Duration.ofDays(1)),
                    batch -> Files.exists(layout.batches().resolve(batch)) || Files.exists(layout.failed().resolve(batch)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot purge old BigQuery load records", e);
        }
    }

    @Override
    public Progress write(String batchId, MetadataRowSource rows) throws DeliveryException {
        try {
            return running().write(batchId, out -> rows.forEach(row -> TableRows.writeLine(row, out)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw dev.dicomgateway.deliver.MetadataRows.unwritable(batchId, e);
        } catch (IOException e) {
            throw new TransientDeliveryException("cannot queue the metadata rows of batch " + batchId + " under "
                    + config.spool().dir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Progress poll(String batchId) throws DeliveryException {
        return running().status(batchId);
    }

    private BigQueryLoader running() {
        BigQueryLoader current = loader;
        if (current == null) {
            throw new IllegalStateException("the BigQuery loader is not started");
        }
        return current;
    }

    /** Credentials, dataset/table/view present or created, and permission to run jobs (a free dry-run query). */
    @Override
    public List<CheckResult> check() {
        List<CheckResult> results = new ArrayList<>();
        CheckResult credentials = GoogleClients.credentialsCheck("bigquery credentials", settings.credentials(),
                settings.endpoint());
        results.add(credentials);
        if (!credentials.ok()) {
            return results;
        }
        try {
            for (String line : tables.ensure()) {
                results.add(CheckResult.ok("bigquery table", table.getProject() + ": " + line));
            }
        } catch (DeliveryException e) {
            results.add(CheckResult.failed("bigquery table", e.getMessage()));
            return results;
        }
        try {
            String probe = "SELECT SOPInstanceUID FROM `" + table.getProject() + "." + table.getDataset() + "."
                    + table.getTable() + "` LIMIT 0";
            client.create(JobInfo.of(QueryJobConfiguration.newBuilder(probe).setDryRun(true).build()));
            results.add(CheckResult.ok("bigquery load jobs", "project " + table.getProject() + " accepts jobs (a dry run, free)"));
        } catch (BigQueryException e) {
            results.add(CheckResult.failed("bigquery load jobs", BigQueryErrors.classify(e, table, "running a dry-run job on")
                    .getMessage()));
        }
        return results;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
