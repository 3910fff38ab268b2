package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a staged instance's content: SHA-256 of its data set, file meta group excluded — the same instance
 * re-sent from another AE title (which the meta group records) has the same digest; any change to an attribute or to
 * the transfer syntax's encoding gives another.
 */
final class InstanceDigest {
    private InstanceDigest() {
    }

    static String of(Path file) throws IOException {
        long offset;
        try {
            offset = FileMetaGroup.read(file).dataSetOffset();
        } catch (UnreadableDataSetException e) {
            throw new IOException("staged instance " + file.getFileName() + " has no readable file meta group: "
                    + e.getMessage(), e);
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
