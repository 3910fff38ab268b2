package dev.dicomgateway.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Google's rules for the names and endpoints the Google destinations are configured with, checked at load: the
 * client libraries accept any string and fail at the first request, once per batch.
 */
final class GoogleCloudNames {
    private static final Pattern LOCATION = Pattern.compile("[A-Za-z0-9-]{0,64}");
    /** A Google Cloud project id (6 to 30 of a-z, 0-9, '-', starting with a letter), optionally after "domain:". */
    private static final Pattern PROJECT_ID = Pattern.compile("([a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]");
    /** Cloud Storage bucket names: a-z, 0-9, '-', '_', '.', starting and ending with a letter or digit. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    /** The project of a Google client, checked for an id's shape (empty: the client's default project). */
    static String projectId(ConfigValues values, String key) throws ConfigException {
        String project = values.string(key);
        if (!project.isEmpty() && !PROJECT_ID.matcher(project).matches()) {
            throw values.invalid(key, project, "a Google Cloud project id: 6 to 30 lower-case letters, digits and '-', "
                    + "starting with a letter (the id, not the project's display name or number)");
        }
        return project;
    }

    /** Google's naming rules for buckets, so a wrong name stops the start rather than failing every upload. */
    static void bucket(ConfigValues values, String bucket) throws ConfigException {
        String key = "destination.gcs.bucket";
        boolean valid = BUCKET.matcher(bucket).matches() && !bucket.contains("..") && !IPV4.matcher(bucket).matches()
                && !bucket.startsWith("goog") && !bucket.contains("google")
                && (bucket.contains(".") ? java.util.Arrays.stream(bucket.split("\\.")).allMatch(p -> p.length() <= 63)
                        : bucket.length() <= 63);
        if (!valid) {
            throw values.invalid(key, bucket, "a bucket name: 3 to 63 lower-case letters, digits, '-' and '_' (dotted "
                    + "names up to 222), starting and ending with a letter or digit, not beginning with \"goog\"; "
                    + "just the name, without gs://");
        }
    }

    /**
     * An API endpoint: empty (Google's) or an absolute http(s) URL with a host, such as http://127.0.0.1:4443 — the
     * client libraries accept anything here and fail at the first request, for every batch.
     */
    static String endpoint(ConfigValues values, String key, String endpoint) throws ConfigException {
        if (endpoint.isEmpty()) {
            return endpoint;
        }
        String expected = "an absolute http:// or https:// URL with a host, such as https://storage.example.org or "
                + "http://127.0.0.1:4443, or empty for Google's";
        try {
            java.net.URI uri = new java.net.URI(endpoint);
            if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawUserInfo() != null) {
                throw values.invalid(key, endpoint, expected);
            }
        } catch (java.net.URISyntaxException e) {
            throw values.invalid(key, endpoint, expected);
        }
        return endpoint;
    }

    /** A BigQuery location such as US, EU or europe-west2, or empty (BigQuery's default). */
    static String location(ConfigValues values, String key) throws ConfigException {
        String location = values.string(key);
        if (!LOCATION.matcher(location).matches()) {
            throw values.invalid(key, location, "a BigQuery location such as US, EU or europe-west2 (letters, digits "
                    + "and '-'), or empty for BigQuery's default");
        }
        return location;
    }

    private GoogleCloudNames() {
    }
}
