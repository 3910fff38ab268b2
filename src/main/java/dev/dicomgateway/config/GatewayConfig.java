package dev.dicomgateway.config;

import dev.dicomgateway.deliver.ObjectNameTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The gateway's settings, validated. Built from {@link ConfigValues}; every key is documented in conf/gateway.yaml. */
public record GatewayConfig(String gatewayId, String collection, Dicom dicom, Spool spool, Http http,
                            Deidentify deidentify, Study study, Destination destination, Metadata metadata,
                            Retry retry, int deliverWorkers, Log log) {

    /** When a study is complete. */
    public record Study(Duration stableAfter, Duration maxOpen) {
    }

    /** Where completed studies go, and how objects are named and packaged. */
    public record Destination(String type, Path localDir, String layout, String objectTemplate,
                              String instanceTemplate, int compressionLevel, Gcs gcs) {
    }

    /** Google Cloud Storage; credentials "default" (Application Default Credentials) or "none". */
    public record Gcs(String bucket, String project, String endpoint, String credentials) {
    }

    /** Where metadata rows go. */
    public record Metadata(String type, Path localDir, BigQuery bigquery) {
    }

    /**
     * metadata.type=bigquery: rows go to project.dataset.table by load jobs, one per loadInterval. Empty project and
     * dataset have already been resolved to destination.gcs.project and the collection.
     */
    public record BigQuery(String project, String dataset, String table, String location, String endpoint,
                           String credentials, Duration loadInterval) {
    }

    /** Backoff for transient delivery failures; maxAttempts 0 = forever. */
    public record Retry(Duration initialDelay, Duration maxDelay, int maxAttempts) {
    }

    /**
     * The DICOM listener, and the limits a received data set must stay within (dicom.maxSequenceDepth,
     * dicom.maxHeaderBytes, dicom.maxValuesPerElement) before anything parses it.
     */
    public record Dicom(String aeTitle, String bind, int port, List<String> allowedCallingAeTitles,
                        List<AddressRange> allowedPeers, int maxAssociations, int maxAssociationsPerPeer,
                        Duration idleTimeout,
                        Duration associationRequestTimeout, int maxPduLength, int maxSequenceDepth,
                        long maxHeaderBytes, int maxValuesPerElement, Duration shutdownTimeout,
                        boolean plainEnabled, Optional<Tls> tls, StorageCommitment storageCommitment) {
    }

    /**
     * dicom.storageCommitment.*: when an instance counts as committed, where each requester (by AE title) receives its
     * report, and the bounds of the service.
     */
    public record StorageCommitment(CommitWhen when, Map<String, Peer> peers, int maxPending, int maxInstancesPerRequest,
                                    Duration reportTimeout, Duration giveUpAfter, Duration deliveryCheckInterval) {
    }

    /** dicom.storageCommitment.when: committed once durable in the spool, or once delivered to the destinations. */
    public enum CommitWhen {
        SPOOLED, DELIVERED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A requester's address for reports (a value of dicom.storageCommitment.peers). */
    public record Peer(String host, int port) {
    }

    /**
     * The DICOM TLS port (dicom.tls.*, present when dicom.tls.enabled), every file already read and checked once:
     * the server's certificate chain and matching key, and the CAs whose client certificates are accepted (present
     * unless clientAuth is none).
     */
    public record Tls(int port, Path certificate, Path privateKey, Optional<Path> trustedCertificates,
                      ClientAuth clientAuth, List<String> protocols, List<String> cipherSuites) {
    }

    /** dicom.tls.clientAuth: whether a client must, may or need not present a certificate a trusted CA signed. */
    public enum ClientAuth {
        REQUIRED, OPTIONAL, NONE
    }

    /** The staging area on disk; reserveBytes of its file system are kept for delivery (never for staging). */
    public record Spool(Path dir, long minFreeBytes, long maxBytes, long reserveBytes, Duration keepDelivered,
                        Duration keepManifests) {
    }

    /** De-identification before staging (PS3.15 Annex E) and the quarantine for possible burned-in text
     * (quarantineRetention: how long a quarantined instance is kept before the gateway purges it; zero = until purged).
     */
    public record Deidentify(boolean enabled, Path secretFile, String entityPrefix, String itemPrefix,
                             String defaultIssuerOfPatientId, boolean requirePatientId,
                             boolean retainLongitudinalModifiedDates,
                             int dateShiftMaxDays, boolean retainPatientCharacteristics, boolean retainDeviceIdentity,
                             boolean retainInstitutionIdentity, boolean cleanDescriptors, boolean retainSafePrivate,
                             List<String> safePrivateAttributes, boolean quarantineEnabled,
                             List<String> quarantineModalities, List<String> quarantineSopClasses,
                             Duration quarantineRetention, List<String> pixelMasks) {
    }

    /** The gateway's log on standard output: its level, and its format ("text" lines or "json", one object a line). */
    public record Log(String level, String format) {
    }

    /**
     * The operations endpoint (health, readiness, metrics, the operator console and its /api/); {@code adminTokenFile}
     * holds the token the console's actions (retry, release, purge) need — none: actions are disabled.
     */
    public record Http(String bind, int port, Optional<Path> adminTokenFile) {
    }

    /** The largest admin token file read (a token is a line of random characters, not a document). */
    public static final int MAX_ADMIN_TOKEN_BYTES = 4096;

    /**
     * http.adminTokenFile: empty for none; else a regular, readable, non-empty file of at most
     * {@value #MAX_ADMIN_TOKEN_BYTES} bytes that other users cannot read (it unlocks the console's actions).
     */
    private static Optional<Path> adminTokenFile(ConfigValues values) throws ConfigException {
        String key = "http.adminTokenFile";
        if (values.string(key).isEmpty()) {
            return Optional.empty();
        }
        Path file = values.path(key);
        String fix = "create it with: head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE";
        if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
            throw values.invalid(key, file, "a readable file holding the console's admin token (" + fix
                    + "; or leave " + key + " empty to disable the console's actions)");
        }
        try {
            long size = java.nio.file.Files.size(file);
            if (size == 0 || size > MAX_ADMIN_TOKEN_BYTES || java.nio.file.Files.readString(file).isBlank()) {
                throw values.invalid(key, file, "a file holding one token of 1 to " + MAX_ADMIN_TOKEN_BYTES
                        + " bytes (" + fix + ")");
            }
            if (java.nio.file.Files.getFileStore(file).supportsFileAttributeView("posix")
                    && java.nio.file.Files.getPosixFilePermissions(file).contains(
                            java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                throw values.invalid(key, file, "a file other users cannot read (chmod o-r " + file
                        + "; the token unlocks retry, release and purge)");
            }
        } catch (java.io.IOException e) {
            throw values.invalid(key, file, "a readable UTF-8 file holding the admin token: " + e.getMessage());
        }
        return Optional.of(file);
    }

    private static final Pattern AE_TITLE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");
    private static final int MAX_PORT = 65535;

    /** Loads defaults, then {@code file} (may be null), then DICOM_GATEWAY_* variables of {@code environment}. */
    public static GatewayConfig load(Path file, Map<String, String> environment) throws ConfigException {
        return from(ConfigSources.merge(file, environment));
    }

    /** As {@link #load(Path, Map)}, with the relative paths of {@code file} resolved against {@code fileRelativeTo}. */
    public static GatewayConfig load(Path file, Path fileRelativeTo, Map<String, String> environment) throws ConfigException {
        return from(ConfigSources.merge(file, fileRelativeTo, environment));
    }

    static GatewayConfig from(ConfigValues values) throws ConfigException {
        Dicom dicom = new Dicom(
                aeTitle(values, "dicom.aeTitle", values.nonEmptyString("dicom.aeTitle")),
                bindAddress(values, "dicom.bind", "dicom.port"),
                values.integer("dicom.port", 0, MAX_PORT),
                allowedCallingAeTitles(values),
                allowedPeers(values),
                values.integer("dicom.maxAssociations", 1, 10_000),
                values.integer("dicom.maxAssociationsPerPeer", 1, 10_000),
                values.duration("dicom.idleTimeout", Duration.ofMillis(100)),
                values.duration("dicom.associationRequestTimeout", Duration.ofMillis(100)),
                values.integer("dicom.maxPduLength", 4096, 16 * 1024 * 1024),
                values.integer("dicom.maxSequenceDepth", 1, 128),
                atLeast(values, "dicom.maxHeaderBytes", 64 * 1024),
                values.integer("dicom.maxValuesPerElement", 16, 10_000_000),
                values.duration("dicom.shutdownTimeout", Duration.ZERO),
                values.bool("dicom.plain.enabled"),
                TlsSettings.from(values),
                storageCommitment(values));
        if (dicom.plainEnabled() && dicom.port() != 0 && dicom.tls().map(Tls::port).orElse(0) == dicom.port()) {
            throw values.invalid("dicom.tls.port", dicom.port(), "a port other than dicom.port (" + dicom.port()
                    + "): the plain and the TLS listener need one each (2762 is the registered DICOM TLS port)");
        }
        if (!dicom.plainEnabled() && dicom.tls().isEmpty()) {
            throw values.invalid("dicom.plain.enabled", false, "true while dicom.tls.enabled is false: the gateway "
                    + "needs one DICOM port (enable TLS, or leave the plain port on)");
        }
        Spool spool = new Spool(values.path("spool.dir"), nonNegative(values, "spool.minFreeBytes"),
                nonNegative(values, "spool.maxBytes"), nonNegative(values, "spool.reserveBytes"),
                values.duration("spool.keepDelivered", Duration.ZERO),
                values.duration("spool.keepManifests", Duration.ZERO));
        Http http = new Http(bindAddress(values, "http.bind", "http.port"), values.integer("http.port", 0, MAX_PORT),
                adminTokenFile(values));
        Study study = new Study(values.duration("study.stableAfter", Duration.ofMillis(100)),
                values.duration("study.maxOpen", Duration.ofSeconds(1)));
        Destination destination = new Destination(
                oneOf(values, "destination.type", List.of("local", "gcs")),
                values.path("destination.local.dir"),
                oneOf(values, "destination.layout", List.of("study-archive", "instances")),
                template(values, "destination.objectTemplate", ObjectNameTemplate.Kind.ARCHIVE),
                template(values, "destination.instanceTemplate", ObjectNameTemplate.Kind.INSTANCE),
                values.integer("destination.compressionLevel", 0, 9),
                gcs(values));
        if (destination.type().equals("gcs") && destination.gcs().bucket().isEmpty()) {
            throw values.invalid("destination.gcs.bucket", "", "a bucket name when destination.type is gcs "
                    + "(or set GOOGLE_CLOUD_STORAGE)");
        }
        if (destination.type().equals("gcs")) {
            GoogleCloudNames.bucket(values, destination.gcs().bucket());
        }
        String collection = name(values, "collection");
        Metadata metadata = new Metadata(oneOf(values, "metadata.type", List.of("local", "bigquery", "none")),
                values.path("metadata.local.dir"), bigquery(values, collection, destination.gcs().project()));
        Retry retry = new Retry(values.duration("retry.initialDelay", Duration.ofMillis(10)),
                values.duration("retry.maxDelay", Duration.ofMillis(10)), values.integer("retry.maxAttempts", 0, 1_000_000));
        if (retry.maxDelay().compareTo(retry.initialDelay()) < 0) {
            throw values.invalid("retry.maxDelay", retry.maxDelay(), "at least retry.initialDelay (" + retry.initialDelay() + ")");
        }
        return new GatewayConfig(name(values, "gateway.id"), collection, dicom, spool,
                http, deidentify(values), study, destination, metadata, retry,
                values.integer("deliver.workers", 1, 64),
                new Log(logLevel(values), oneOf(values, "log.format", List.of("text", "json"))));
    }

    private static final Pattern ID_PREFIX = Pattern.compile("[A-Za-z0-9_-]{0,3}");
    private static final Pattern SAFE_PRIVATE = Pattern.compile("[0-9A-Fa-f]{4},[^,]{1,64},[0-9A-Fa-f]{2}");

    private static Deidentify deidentify(ConfigValues values) throws ConfigException {
        String entityPrefix = prefix(values, "deidentify.entityPrefix");
        String itemPrefix = prefix(values, "deidentify.itemPrefix");
        List<String> safePrivate = values.list("deidentify.safePrivateAttributes");
        for (String entry : safePrivate) {
            if (!SAFE_PRIVATE.matcher(entry).matches() || Integer.parseInt(entry.substring(0, 4), 16) % 2 == 0) {
                throw values.invalid("deidentify.safePrivateAttributes", entry,
                        "entries \"GGGG,Private Creator,EE\" with an odd group, e.g. \"0019,GEMS_ACQU_01,0C\"");
            }
        }
        List<String> sopClasses = values.list("deidentify.quarantine.sopClasses");
        for (String uid : sopClasses) {
            if (!dev.dicomgateway.dicom.Uids.isValid(uid)) {
                throw values.invalid("deidentify.quarantine.sopClasses", uid, "SOP Class UIDs");
            }
        }
        return new Deidentify(
                values.bool("deidentify.enabled"),
                values.path("deidentify.secretFile"),
                entityPrefix,
                itemPrefix,
                values.string("deidentify.defaultIssuerOfPatientId"),
                values.bool("deidentify.requirePatientId"),
                values.bool("deidentify.retainLongitudinalModifiedDates"),
                values.integer("deidentify.dateShiftMaxDays", 1, 36_500),
                values.bool("deidentify.retainPatientCharacteristics"),
                values.bool("deidentify.retainDeviceIdentity"),
                values.bool("deidentify.retainInstitutionIdentity"),
                values.bool("deidentify.cleanDescriptors"),
                values.bool("deidentify.retainSafePrivate"),
                safePrivate,
                values.bool("deidentify.quarantine.enabled"),
                values.list("deidentify.quarantine.modalities").stream().map(m -> m.toUpperCase(java.util.Locale.ROOT)).toList(),
                sopClasses,
                values.duration("deidentify.quarantine.retention", Duration.ZERO),
                pixelMasks(values));
    }

    private static List<String> pixelMasks(ConfigValues values) throws ConfigException {
        List<String> rules = values.list("deidentify.pixelMasks");
        for (String rule : rules) {
            try {
                dev.dicomgateway.deidentify.PixelMaskRule.parse(rule);
            } catch (IllegalArgumentException e) {
                throw values.invalid("deidentify.pixelMasks", rule, "rules MANUFACTURER|MODEL|ROWSxCOLUMNS|X Y WIDTH "
                        + "HEIGHT[;X Y WIDTH HEIGHT] (" + e.getMessage() + ")");
            }
        }
        return rules;
    }

    private static String prefix(ConfigValues values, String key) throws ConfigException {
        String prefix = values.string(key);
        if (!ID_PREFIX.matcher(prefix).matches()) {
            throw values.invalid(key, prefix, "up to 3 letters, digits, '-' or '_' (ids must fit AccessionNumber, 16 characters)");
        }
        return prefix;
    }

    private static Gcs gcs(ConfigValues values) throws ConfigException {
        String endpoint = values.string("destination.gcs.endpoint");
        String emulator = System.getenv("STORAGE_EMULATOR_HOST");
        if (endpoint.isEmpty() && emulator != null && !emulator.isBlank()) {
            endpoint = emulator.startsWith("http") ? emulator : "http://" + emulator;
        }
        endpoint = GoogleCloudNames.endpoint(values, "destination.gcs.endpoint", endpoint);
        String credentials = credentials(values, "destination.gcs.credentials", endpoint);
        return new Gcs(values.string("destination.gcs.bucket"), GoogleCloudNames.projectId(values, "destination.gcs.project"), endpoint,
                credentials);
    }

    /**
     * default or none as set; unset (empty): none for a plain http:// endpoint (an emulator or stand-in, and no access
     * token in clear text), default otherwise.
     */
    private static String credentials(ConfigValues values, String key, String endpoint) throws ConfigException {
        String credentials = values.string(key);
        if (credentials.isEmpty()) {
            return endpoint.startsWith("http://") ? "none" : "default";
        }
        return oneOf(values, key, List.of("default", "none"));
    }

    /** BigQuery dataset and table ids: letters, digits and underscores (tables may also use '-'). */
    private static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9_]{1,1024}");
    private static final Pattern TABLE_ID = Pattern.compile("[A-Za-z0-9_-]{1,1024}");

    private static BigQuery bigquery(ConfigValues values, String collection, String gcsProject) throws ConfigException {
        String project = GoogleCloudNames.projectId(values, "metadata.bigquery.project");
        if (project.isEmpty()) {
            project = gcsProject;
        }
        String dataset = values.string("metadata.bigquery.dataset");
        if (dataset.isEmpty()) {
            dataset = collection;
            if (values.string("metadata.type").equals("bigquery") && !DATASET_ID.matcher(dataset).matches()) {
                throw values.invalid("collection", collection, "letters, digits and underscores when it names the "
                        + "BigQuery dataset; or set metadata.bigquery.dataset to a dataset id");
            }
        } else if (!DATASET_ID.matcher(dataset).matches()) {
            throw values.invalid("metadata.bigquery.dataset", dataset, "a dataset id: letters, digits and underscores");
        }
        String table = values.nonEmptyString("metadata.bigquery.table");
        if (!TABLE_ID.matcher(table).matches()) {
            throw values.invalid("metadata.bigquery.table", table, "a table id: letters, digits, '_' and '-'");
        }
        String endpoint = GoogleCloudNames.endpoint(values, "metadata.bigquery.endpoint", values.string("metadata.bigquery.endpoint"));
        String credentials = credentials(values, "metadata.bigquery.credentials", endpoint);
        String location = GoogleCloudNames.location(values, "metadata.bigquery.location");
        return new BigQuery(project, dataset, table, location, endpoint, credentials,
                values.duration("metadata.bigquery.loadInterval", Duration.ofMillis(100)));
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%_\\[\\]-]{1,253}");
    private static final int MAX_NAME = 64;

    /**
     * The address to listen on: a host name or an IP literal, without a port (that is {@code portKey}); whether it
     * resolves and can be bound is seen at start.
     */
    private static String bindAddress(ConfigValues values, String key, String portKey) throws ConfigException {
        String bind = values.nonEmptyString(key);
        if (!HOST.matcher(bind).matches() || bind.chars().filter(c -> c == ':').count() == 1) {
            throw values.invalid(key, bind, "a host name or IP address without a port (the port is " + portKey
                    + "), such as 0.0.0.0, 127.0.0.1 or ::1");
        }
        return bind;
    }

    /** A name that appears in spool paths, object names, logs and metric labels: short, no control characters. */
    private static String name(ConfigValues values, String key) throws ConfigException {
        String name = values.nonEmptyString(key);
        if (name.length() > MAX_NAME || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))) {
            throw values.invalid(key, name, "a name of 1 to " + MAX_NAME + " characters without control characters, "
                    + "not '.' or '..'");
        }
        return name;
    }

    private static StorageCommitment storageCommitment(ConfigValues values) throws ConfigException {
        String when = values.nonEmptyString("dicom.storageCommitment.when");
        if (!List.of("spooled", "delivered").contains(when)) {
            String near = when.toLowerCase(java.util.Locale.ROOT).startsWith("d") ? "delivered" : "spooled";
            throw values.invalid("dicom.storageCommitment.when", when, "spooled (committed once durable in the spool) "
                    + "or delivered (once delivered to the destination) — did you mean " + near + "?");
        }
        Map<String, Peer> peers = new java.util.LinkedHashMap<>();
        for (String entry : values.list("dicom.storageCommitment.peers")) {
            int equals = entry.indexOf('=');
            String ae = equals < 0 ? "" : entry.substring(0, equals).trim();
            String address = equals < 0 ? entry : entry.substring(equals + 1).trim();
            if (ae.isEmpty() || ae.length() > 16 || !ae.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '\\')) {
                throw values.invalid("dicom.storageCommitment.peers", entry, "AE title: host:port entries with an AE "
                        + "title of 1 to 16 printable characters (e.g. MODALITY1: 10.0.0.5:104)");
            }
            int colon = address.lastIndexOf(':');
            int port = -1;
            try {
                port = colon < 1 ? -1 : Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                // refused below
            }
            if (port < 1 || port > MAX_PORT) {
                throw values.invalid("dicom.storageCommitment.peers", entry, "a host:port address for " + ae
                        + " with a port from 1 to " + MAX_PORT + " (e.g. 10.0.0.5:104)");
            }
            peers.put(ae, new Peer(address.substring(0, colon), port));
        }
        return new StorageCommitment(CommitWhen.valueOf(when.toUpperCase(java.util.Locale.ROOT)), Map.copyOf(peers),
                values.integer("dicom.storageCommitment.maxPending", 1, 100_000),
                values.integer("dicom.storageCommitment.maxInstancesPerRequest", 1, 100_000),
                values.duration("dicom.storageCommitment.reportTimeout", Duration.ofMillis(100)),
                values.duration("dicom.storageCommitment.giveUpAfter", Duration.ofSeconds(1)),
                values.duration("dicom.storageCommitment.deliveryCheckInterval", Duration.ofMillis(100)));
    }

    private static String oneOf(ConfigValues values, String key, List<String> allowed) throws ConfigException {
        String value = values.nonEmptyString(key);
        if (!allowed.contains(value)) {
            throw values.invalid(key, value, "one of " + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * A template checked the way delivery will use it: rendered with sample values of its kind, so an unknown
     * placeholder, a missing one or a name no store accepts stops the start instead of failing every batch later.
     */
    private static String template(ConfigValues values, String key, ObjectNameTemplate.Kind kind) throws ConfigException {
        String template = values.nonEmptyString(key);
        try {
            ObjectNameTemplate.of(kind, template);
        } catch (IllegalArgumentException e) {
            throw values.invalid(key, template, e.getMessage());
        }
        return template;
    }

    private static String logLevel(ConfigValues values) throws ConfigException {
        String level = values.nonEmptyString("log.level").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(level)) {
            throw values.invalid("log.level", level, "one of ERROR, WARN, INFO, DEBUG, TRACE");
        }
        return level;
    }

    private static List<String> allowedCallingAeTitles(ConfigValues values) throws ConfigException {
        List<String> titles = values.list("dicom.allowedCallingAeTitles");
        for (String title : titles) {
            aeTitle(values, "dicom.allowedCallingAeTitles", title);
        }
        return titles;
    }

    private static List<AddressRange> allowedPeers(ConfigValues values) throws ConfigException {
        List<AddressRange> ranges = new java.util.ArrayList<>();
        for (String entry : values.list("dicom.allowedPeers")) {
            try {
                ranges.add(AddressRange.parse(entry));
            } catch (IllegalArgumentException e) {
                throw values.invalid("dicom.allowedPeers", entry, e.getMessage());
            }
        }
        return List.copyOf(ranges);
    }

    private static String aeTitle(ConfigValues values, String key, String title) throws ConfigException {
        if (!AE_TITLE.matcher(title).matches() || title.isBlank()) {
            throw values.invalid(key, title, "an AE title of 1 to 16 printable characters without backslash");
        }
        return title.trim();
    }

    private static long atLeast(ConfigValues values, String key, long min) throws ConfigException {
        long value = values.bytes(key);
        if (value < min) {
            throw values.invalid(key, value, "a size of at least " + min + " bytes");
        }
        return value;
    }

    private static long nonNegative(ConfigValues values, String key) throws ConfigException {
        long value = values.bytes(key);
        if (value < 0) {
            throw values.invalid(key, value, "a size of 0 or more");
        }
        return value;
    }
}
