package dev.dicomgateway.deliver.bigquery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One load job as the gateway records it before submitting it: its job id (so a restart asks BigQuery about the same
 * job, or submits it again under the same id, and BigQuery refuses a second job with it), the batches whose rows it
 * carries, and how it ended.
 *
 * @param state {@link #SUBMITTING} until BigQuery reports the job done; then {@link #DONE} or {@link #FAILED}
 * @param submissions how many times this process (or an earlier one) began submitting it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LoadRecord(String jobId, List<String> batches, long rows, long bytes, String state, int submissions,
                  String createdAt, String finishedAt, String error) {
    static final String SUBMITTING = "submitting";
    static final String DONE = "done";
    static final String FAILED = "failed";

    LoadRecord submitted() {
        return new LoadRecord(jobId, batches, rows, bytes, state, submissions + 1, createdAt, finishedAt, error);
    }

    LoadRecord ended(String newState, String at, String reason) {
        return new LoadRecord(jobId, batches, rows, bytes, newState, submissions, createdAt, at, reason);
    }
}
