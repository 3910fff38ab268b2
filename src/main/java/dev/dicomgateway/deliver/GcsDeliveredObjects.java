package dev.dicomgateway.deliver;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;

/**
 * destination.type=gcs for verify: an object's size and CRC32C are what Cloud Storage reports in its metadata
 * (storage.objects.get; nothing is downloaded for them); an archive is streamed (alt=media) to list its members.
 */
final class GcsDeliveredObjects implements DeliveredObjects {
    private final Storage storage;
    private final String bucket;

    GcsDeliveredObjects(GatewayConfig.Gcs settings) {
        this.storage = GcsStore.client(settings);
        this.bucket = settings.bucket();
    }

    @Override
    public Held held(String name) throws IOException {
        try {
            Blob blob = storage.get(bucket, name);
            if (blob == null) {
                return null;
            }
            return new Held(blob.getSize() == null ? -1 : blob.getSize(), blob.getCrc32c());
        } catch (StorageException e) {
            throw refused(name, e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            ReadChannel reader = storage.reader(BlobId.of(bucket, name));
            reader.setChunkSize(2 << 20);
            return Channels.newInputStream(reader);
        } catch (StorageException e) {
            throw refused(name, e);
        }
    }

    private IOException refused(String name, StorageException e) {
        return new IOException("cannot read gs://" + bucket + "/" + name + " (" + (e.getCode() == 0 ? "connection failed"
                : "HTTP " + e.getCode()) + ": " + e.getMessage() + "); verify needs storage.objects.get on the bucket "
                + "(roles/storage.objectViewer) — check destination.gcs.bucket and the credentials", e);
    }

    @Override
    public String where() {
        return "gs://" + bucket;
    }
}
