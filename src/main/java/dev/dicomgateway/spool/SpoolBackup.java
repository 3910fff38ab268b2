package dev.dicomgateway.spool;

import dev.dicomgateway.deidentify.LookupTable;
import dev.dicomgateway.deidentify.SecretFingerprint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a spool cannot be rebuilt without, copied to a directory of its own: the de-identification secret (without it
 * new instances get new pseudonyms), the re-identification table and the secret's fingerprint, and the
 * delivered-instance index (without it every re-sent study is delivered again). Everything else in a spool is either
 * delivered already or re-sent by the senders. Taken beside a running gateway: the table is copied up to its last
 * complete row and the index through SQLite's VACUUM INTO, a consistent snapshot. The directory gets
 * {@value #MANIFEST}, in sha256sum's format, which {@link SpoolRestore} checks before it copies anything back.
 */
public final class SpoolBackup {
    /** The checksums of the members, one "hex  name" line each (`sha256sum -c BACKUP.sha256` checks them too). */
    public static final String MANIFEST = "BACKUP.sha256";
    static final String SECRET = "deidentify.key";
    static final String LOOKUP_TABLE = "private/" + LookupTable.FILE_NAME;
    static final String FINGERPRINT = "private/" + SecretFingerprint.FILE_NAME;
    static final String INDEX = "state/instances.sqlite";
    private static final int COPY_CHUNK = 1 << 16;

    private SpoolBackup() {
    }

    /** Where each member lives for a spool {@code layout} and {@code secretFile}, in the manifest's order. */
    static Map<String, Path> members(SpoolLayout layout, Path secretFile) {
        Map<String, Path> members = new LinkedHashMap<>();
        members.put(SECRET, secretFile);
        members.put(FINGERPRINT, layout.privateArea().resolve(SecretFingerprint.FILE_NAME));
        // the index before the table: a study the snapshot records as delivered was staged, and so entered the table,
        // before the snapshot; the table, copied after it, holds every study the index knows
        members.put(INDEX, layout.instanceIndex());
        members.put(LOOKUP_TABLE, layout.privateArea().resolve(LookupTable.FILE_NAME));
        return members;
    }

    /**
     * Writes the backup into {@code target}, which must not exist yet (its parent must), 0700 with 0600 files, each
     * synced before the manifest is written; returns the names written. Members the spool does not have yet (no
     * study sealed, no lookup table) are left out; a missing secret is an error: there is nothing to back up then.
     */
    public static List<String> write(SpoolLayout layout, Path secretFile, Path target) throws IOException {
        if (!Files.isRegularFile(secretFile)) {
            throw new IOException("no secret at " + secretFile + " (deidentify.secretFile): the gateway creates it on "
                    + "its first start; point --config at the gateway's configuration");
        }
        if (Files.exists(target)) {
            throw new IOException(target + " exists: a backup is written into a new directory");
        }
        if (target.toAbsolutePath().normalize().startsWith(layout.root().toAbsolutePath().normalize())) {
            throw new IOException("will not write the backup " + target + " inside spool.dir " + layout.root()
                    + ": it would be lost with the spool's disk; back up to another disk (e.g. /var/backups/dicom-gateway)");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IOException("cannot write the backup " + target + ": " + parent + " does not exist; create it "
                    + "first, owned by the user that runs backup (e.g. install -d -m 0700 -o dicom-gateway -g dicom-gateway "
                    + parent + ")");
        }
        if (!Files.isWritable(parent) || !Files.isExecutable(parent)) {
            throw new IOException("cannot write the backup " + target + ": " + parent + " is not writable by this user; "
                    + "back up into a directory it owns (e.g. install -d -m 0700 -o dicom-gateway -g dicom-gateway "
                    + parent + ")");
        }
        Files.createDirectory(target, OwnerOnly.DIRECTORY);
        Files.createDirectory(target.resolve("private"), OwnerOnly.DIRECTORY);
        Files.createDirectory(target.resolve("state"), OwnerOnly.DIRECTORY);
        List<String> written = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        for (Map.Entry<String, Path> member : members(layout, secretFile).entrySet()) {
            Path source = member.getValue();
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(member.getKey());
            switch (member.getKey()) {
                case INDEX -> DeliveredInstanceIndex.snapshot(source, copy);
                case LOOKUP_TABLE -> copyCompleteLines(source, copy);
                default -> OwnerOnly.copy(source, copy);
            }
            DurableFiles.syncFile(copy);
            manifest.append(sha256(copy)).append("  ").append(member.getKey()).append('\n');
            written.add(member.getKey());
        }
        DurableFiles.syncDirectory(target.resolve("private"));
        DurableFiles.syncDirectory(target.resolve("state"));
        DurableFiles.writeDurably(target.resolve(MANIFEST), manifest.toString().getBytes(StandardCharsets.US_ASCII));
        DurableFiles.syncDirectory(target);
        return written;
    }

    /** Copies the table up to its last newline: the gateway may be appending a row while we read. */
    private static void copyCompleteLines(Path source, Path target) throws IOException {
        OwnerOnly.copy(source, target);
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            channel.truncate(end);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[COPY_CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
