package dev.dicomgateway.deliver;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.time.Duration;

/** What the Cloud Storage and BigQuery destinations share: client retry bounds and Application Default Credentials. */
public final class GoogleClients {
    private GoogleClients() {
    }

    /**
     * A few quick tries inside a Google client (3 attempts, 200 ms to 2 s apart, 5 minutes at most); outages longer
     * than that are the delivery engine's (or the BigQuery loader's) to retry, forever.
     */
    public static RetrySettings shortRetries() {
        return RetrySettings.newBuilder().setMaxAttempts(3)
                .setInitialRetryDelayDuration(Duration.ofMillis(200)).setMaxRetryDelayDuration(Duration.ofSeconds(2))
                .setRetryDelayMultiplier(2).setTotalTimeoutDuration(Duration.ofMinutes(5)).build();
    }

    /** Refuses to start a destination set to Application Default Credentials when there are none, naming the fix. */
    public static void requireCredentials(String setting, String credentials) throws IOException {
        if (!credentials.equals("default")) {
            return;
        }
        try {
            GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new IOException(setting + " is default but there are no Application Default Credentials: set "
                    + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run on Google Cloud "
                    + "(bin/dicom-gateway check shows what is missing)", e);
        }
    }

    /** The `check` line for credentials: {@code credentials} is a destination's setting (default or none). */
    public static CheckResult credentialsCheck(String subject, String credentials, String endpoint) {
        if (credentials.equals("none")) {
            return CheckResult.ok(subject, "none (endpoint " + endpoint + ")");
        }
        try {
            GoogleCredentials.getApplicationDefault();
            return CheckResult.ok(subject, System.getenv("GOOGLE_APPLICATION_CREDENTIALS") == null
                    ? "Application Default Credentials found" : "service-account key file from GOOGLE_APPLICATION_CREDENTIALS");
        } catch (IOException e) {
            return CheckResult.failed(subject, "no Application Default Credentials: set GOOGLE_APPLICATION_CREDENTIALS to a "
                    + "service-account key file, or run on Google Cloud");
        }
    }
}
