package dev.dicomgateway.deliver;

import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Map;

/**
 * destination.type=gcs: objects in a Cloud Storage bucket through the official client. Uploads are resumable and
 * streamed as their bytes are generated (an archive is never packaged on the spool first), created only if absent
 * (ifGenerationMatch=0), with the CRC32C and MD5 recorded at packaging sent for the service to verify and compared
 * again with what it reports. An existing object with the same CRC32C counts as
 * delivered (a retry after a crash); one with other content is never overwritten. Objects are private: no ACLs set.
 */
public final class GcsStore implements ObjectStore {
    /** A damaged upload is refused as 400 like an invalid one; this many tries tell them apart. */
    private static final int BAD_REQUEST_TRIES = 3;
    /** Bytes sent per request of a resumable upload, and held in memory per upload until sent (a multiple of 256 KiB). */
    private static final int CHUNK_BYTES = 8 << 20;

    private final Storage storage;
    private final String bucket;
    private final GatewayConfig.Gcs settings;
    private final Map<String, Integer> badRequests = new java.util.concurrent.ConcurrentHashMap<>();

    GcsStore(Storage storage, GatewayConfig.Gcs settings) {
        this.storage = storage;
        this.bucket = settings.bucket();
        this.settings = settings;
    }

    public static GcsStore fromConfig(GatewayConfig.Gcs settings) {
        return new GcsStore(client(settings), settings);
    }

    /** The Cloud Storage client for destination.gcs.*: project, endpoint, credentials, short client-side retries. */
    static Storage client(GatewayConfig.Gcs settings) {
        StorageOptions.Builder options = StorageOptions.http().setRetrySettings(GoogleClients.shortRetries());
        if (!settings.project().isEmpty()) {
            options.setProjectId(settings.project());
        }
        if (!settings.endpoint().isEmpty()) {
            options.setHost(settings.endpoint());
        }
        if (settings.credentials().equals("none")) {
            options.setCredentials(NoCredentials.getInstance());
        }
        return options.build().getService();
    }

    @Override
    public String type() {
        return "gcs";
    }

    @Override
    public void start() throws IOException {
        GoogleClients.requireCredentials("destination.gcs.credentials", settings.credentials());
    }

    @Override
    public String put(String name, ObjectContent content, Map<String, String> metadata) throws DeliveryException {
        Checksums checksums = content.checksums();
        BlobInfo info = BlobInfo.newBuilder(bucket, name)
                .setContentType(metadata.getOrDefault("content-type", "application/octet-stream"))
                .setCrc32c(checksums.crc32c())
                .setMd5(checksums.md5())
                .setMetadata(metadata)
                .build();
        try {
            upload(info, content);
            badRequests.remove(name);
            Blob blob = storage.get(bucket, name);
            if (blob == null || !checksums.crc32c().equals(blob.getCrc32c())
                    || (blob.getMd5() != null && !checksums.md5().equals(blob.getMd5()))) {
                throw new TransientDeliveryException("gs://" + bucket + "/" + name + ": Cloud Storage reports CRC32C "
                        + (blob == null ? "(no object)" : blob.getCrc32c() + " MD5 " + blob.getMd5()) + ", expected "
                        + checksums.crc32c() + " " + checksums.md5() + "; uploading again", null);
            }
            return uri(name);
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return existing(name, checksums);
            }
            throw classify(e, name);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException refused) { // the writer reports HTTP errors wrapped
                if (refused.getCode() == 412) {
                    return existing(name, checksums);
                }
                throw classify(refused, name);
            }
            throw new TransientDeliveryException("cannot read " + content + " or reach Cloud Storage: " + e.getMessage(), e);
        }
    }

    /**
     * One resumable upload, created only if the name is free, with the CRC32C and MD5 for the service to verify. The
     * bytes are generated as they are sent; the upload is finished (closed) only after all of them were written and
     * matched their checksums, so a failure — a read error, changed content, a crash — leaves no object behind.
     */
    private void upload(BlobInfo info, ObjectContent content) throws IOException, ContentChangedException {
        WriteChannel writer = storage.writer(info, Storage.BlobWriteOption.doesNotExist(),
                Storage.BlobWriteOption.crc32cMatch(), Storage.BlobWriteOption.md5Match());
        writer.setChunkSize(CHUNK_BYTES);
        content.writeTo(Channels.newOutputStream(writer)); // not closed on failure: the session is abandoned
        writer.close();
    }

    private String existing(String name, Checksums checksums) throws DeliveryException {
        try {
            Blob blob = storage.get(bucket, name);
            if (blob != null && checksums.crc32c().equals(blob.getCrc32c()) && blob.getSize() == checksums.size()) {
                return uri(name); // uploaded before a crash or a lost answer
            }
            throw new ObjectNameTakenException("gs://" + bucket + "/" + name + " already exists with other content "
                    + "(CRC32C " + (blob == null ? "?" : blob.getCrc32c()) + "); it is never overwritten — check "
                    + "destination.objectTemplate, gateway.id and whether another system writes to this bucket");
        } catch (StorageException e) {
            throw classify(e, name);
        }
    }

    private DeliveryException classify(StorageException e, String name) {
        int code = e.getCode();
        String object = "gs://" + bucket + "/" + name;
        return switch (code) {
            case 401 -> new PermanentDeliveryException(object + ": credentials refused (401). Check "
                    + "GOOGLE_APPLICATION_CREDENTIALS points at a valid service-account key", e);
            case 403 -> new PermanentDeliveryException(object + ": permission denied (403). Grant the service account "
                    + "roles/storage.objectCreator and roles/storage.objectViewer on bucket " + bucket, e);
            case 404 -> new PermanentDeliveryException(object + ": bucket " + bucket + " not found (404). Check "
                    + "destination.gcs.bucket and destination.gcs.project", e);
            case 400 -> badRequest(object, name, e);
            default -> new TransientDeliveryException(object + ": " + (code == 0 ? "connection failed" : "HTTP " + code)
                    + ": " + e.getMessage(), e);
        };
    }

    /**
     * Cloud Storage answers 400 both to an invalid request and to an upload damaged in transit (its CRC32C check),
     * and the client does not say which: retry a few times, then treat it as invalid.
     */
    private DeliveryException badRequest(String object, String name, StorageException e) {
        int tries = badRequests.merge(name, 1, Integer::sum);
        if (tries < BAD_REQUEST_TRIES) {
            return new TransientDeliveryException(object + ": refused (400, try " + tries + " of " + BAD_REQUEST_TRIES
                    + "): an upload damaged in transit fails its CRC32C check this way; uploading again", e);
        }
        badRequests.remove(name);
        return new PermanentDeliveryException(object + ": request refused (400) " + BAD_REQUEST_TRIES + " times: "
                + e.getMessage() + " (check destination.objectTemplate and the bucket's policies)", e);
    }

    /** Credentials found, bucket reachable, and the two permissions delivery needs granted (testIamPermissions). */
    @Override
    public java.util.List<CheckResult> check() {
        java.util.List<CheckResult> results = new java.util.ArrayList<>();
        CheckResult credentials = GoogleClients.credentialsCheck("gcs credentials", settings.credentials(), settings.endpoint());
        results.add(credentials);
        if (!credentials.ok()) {
            return results;
        }
        java.util.List<String> needed = java.util.List.of("storage.objects.create", "storage.objects.get");
        try {
            java.util.List<Boolean> granted = storage.testIamPermissions(bucket, needed);
            java.util.List<String> missing = new java.util.ArrayList<>();
            for (int i = 0; i < needed.size(); i++) {
                if (!Boolean.TRUE.equals(granted.get(i))) {
                    missing.add(needed.get(i));
                }
            }
            results.add(missing.isEmpty()
                    ? CheckResult.ok("gcs bucket", "gs://" + bucket + " is writable (storage.objects.create, storage.objects.get)")
                    : CheckResult.failed("gcs bucket", "gs://" + bucket + " lacks " + String.join(", ", missing)
                            + ": grant the service account roles/storage.objectCreator and roles/storage.objectViewer on it"));
        } catch (StorageException e) {
            results.add(CheckResult.failed("gcs bucket", e.getCode() == 404
                    ? "bucket " + bucket + " not found: check destination.gcs.bucket (GOOGLE_CLOUD_STORAGE) and destination.gcs.project"
                    : e.getCode() == 401 || e.getCode() == 403
                    ? "access to bucket " + bucket + " refused (" + e.getCode() + "): check the key file and grant roles/storage.objectCreator"
                    : "cannot reach Cloud Storage (" + e.getCode() + "): " + e.getMessage()));
        }
        return results;
    }

    private String uri(String name) {
        return "gs://" + bucket + "/" + name;
    }
}
