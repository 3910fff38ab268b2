package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.TableId;
import dev.dicomgateway.deliver.DeliveryException;
import dev.dicomgateway.deliver.PermanentDeliveryException;
import dev.dicomgateway.deliver.TransientDeliveryException;
import java.util.Set;

/**
 * What a BigQuery error means for delivery, by its reason (BigQuery answers 403 both for a missing permission and
 * for rate limits, so the status code alone does not say), with the fix an operator needs in the message.
 */
final class BigQueryErrors {
    /** Reasons worth retrying: https://cloud.google.com/bigquery/docs/error-messages */
    private static final Set<String> TRANSIENT_REASONS = Set.of("backendError", "internalError", "rateLimitExceeded",
            "quotaExceeded", "jobBackendError", "jobInternalError", "timeout", "tableUnavailable", "resourcesExceeded");

    private BigQueryErrors() {
    }

    /**
     * Transient: worth another try later. A 409 is counted here too: for a load it means BigQuery knows the job id
     * (LoadJobs looks the job up), and it must never be taken for a refusal that loaded nothing.
     */
    static boolean isTransient(BigQueryException e) {
        if (e.getCode() == 409) {
            return true;
        }
        String reason = e.getReason();
        if (reason != null && TRANSIENT_REASONS.contains(reason)) {
            return true;
        }
        int code = e.getCode();
        return code == 0 || code == 408 || code == 429 || code >= 500 || (reason == null && code != 400 && code != 401
                && code != 403 && code != 404);
    }

    static DeliveryException classify(BigQueryException e, TableId table, String doing) {
        String where = table.getProject() + "." + table.getDataset() + "." + table.getTable();
        if (isTransient(e)) {
            return new TransientDeliveryException("BigQuery " + doing + " " + where + ": "
                    + (e.getCode() == 0 ? "connection failed" : "HTTP " + e.getCode()) + " " + reasonOf(e) + ": "
                    + e.getMessage(), e);
        }
        String fix = switch (e.getCode()) {
            case 401 -> "credentials refused (401): check GOOGLE_APPLICATION_CREDENTIALS points at a valid service-account key";
            case 403 -> "permission denied (403): grant the service account roles/bigquery.dataEditor on dataset "
                    + table.getDataset() + " and roles/bigquery.jobUser on project " + table.getProject()
                    + " (roles/bigquery.user on the project if the dataset does not exist yet)";
            case 404 -> "not found (404): check metadata.bigquery.project (" + table.getProject()
                    + ") and that the project exists and has the BigQuery API enabled";
            default -> "refused (" + e.getCode() + " " + reasonOf(e) + ")";
        };
        return new PermanentDeliveryException("BigQuery " + doing + " " + where + ": " + fix + ": " + e.getMessage(), e);
    }

    /** A finished job's error: transient reasons get a new job, others fail its batches. */
    static DeliveryException classify(BigQueryError error, TableId table, String jobId) {
        String where = table.getProject() + "." + table.getDataset() + "." + table.getTable();
        String text = "BigQuery load job " + jobId + " into " + where + " failed: " + error.getReason() + ": "
                + error.getMessage();
        if (error.getReason() != null && TRANSIENT_REASONS.contains(error.getReason())) {
            return new TransientDeliveryException(text + "; loading again under a new job id", null);
        }
        if ("accessDenied".equals(error.getReason())) {
            return new PermanentDeliveryException(text + "; grant the service account roles/bigquery.dataEditor on dataset "
                    + table.getDataset(), null);
        }
        return new PermanentDeliveryException(text + "; the table's schema may have been changed by hand: compare it with "
                + "docs/bigquery.md", null);
    }

    private static String reasonOf(BigQueryException e) {
        return e.getReason() == null ? "" : e.getReason();
    }
}
