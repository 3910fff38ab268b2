package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.TableId;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.GoogleClients;

/** The BigQuery client for metadata.bigquery.*: project, endpoint, credentials, and short client-side retries. */
final class BigQueryConnection {
    private BigQueryConnection() {
    }

    static BigQuery client(GatewayConfig.BigQuery settings) {
        BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setRetrySettings(GoogleClients.shortRetries());
        if (!settings.project().isEmpty()) {
            options.setProjectId(settings.project());
        }
        if (!settings.location().isEmpty()) {
            options.setLocation(settings.location());
        }
        if (!settings.endpoint().isEmpty()) {
            options.setHost(settings.endpoint());
        }
        if (settings.credentials().equals("none")) {
            options.setCredentials(NoCredentials.getInstance());
        }
        return options.build().getService();
    }

    static TableId table(BigQuery client, GatewayConfig.BigQuery settings) {
        return TableId.of(client.getOptions().getProjectId(), settings.dataset(), settings.table());
    }
}
