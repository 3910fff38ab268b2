package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Load jobs by id: submit one (an NDJSON upload streamed from files, appended, all rows or none) and look one up. */
final class LoadJobs {
    private final BigQuery client;
    private final TableId table;
    private final java.util.function.Supplier<String> location;

    /** {@code location}: where the jobs run (empty: BigQuery's default), asked each time (it is learnt at start-up). */
    LoadJobs(BigQuery client, TableId table, java.util.function.Supplier<String> location) {
        this.client = client;
        this.table = table;
        this.location = location;
    }

    JobId id(String jobId) {
        JobId.Builder id = JobId.newBuilder().setProject(table.getProject()).setJob(jobId);
        String where = location.get();
        if (where != null && !where.isEmpty()) {
            id.setLocation(where);
        }
        return id.build();
    }

    /** The job, or null when BigQuery has never accepted one with this id. */
    Job get(String jobId) {
        return client.getJob(id(jobId));
    }

    /**
     * Uploads {@code files} as one load job with id {@code jobId}. Returns the job, also when BigQuery already holds
     * one with this id (submitted before a crash or a lost answer): it never runs twice.
     */
    Job submit(String jobId, List<Path> files) throws IOException {
        WriteChannelConfiguration configuration = WriteChannelConfiguration.newBuilder(table)
                .setFormatOptions(FormatOptions.json())
                .setWriteDisposition(JobInfo.WriteDisposition.WRITE_APPEND)
                .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
                .setIgnoreUnknownValues(false)
                .setMaxBadRecords(0)
                .build();
        try {
            TableDataWriteChannel writer = client.writer(id(jobId), configuration); // may already answer 409
            try (OutputStream out = Channels.newOutputStream(writer)) {
                for (Path file : files) {
                    Files.copy(file, out);
                }
            }
            return writer.getJob();
        } catch (BigQueryException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // "Already Exists: Job ..." — an earlier submission went through; whatever happens next, keep the 409
            // (never mistaken for a refusal that loaded nothing)
            Job existing;
            try {
                existing = get(jobId);
            } catch (BigQueryException lookup) {
                throw new BigQueryException(409, "job " + jobId + " exists but cannot be read: " + lookup.getMessage(), lookup);
            }
            if (existing == null) {
                throw new BigQueryException(409, "job " + jobId + " exists but BigQuery does not show it yet", e);
            }
            return existing;
        }
    }
}
