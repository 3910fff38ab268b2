package dev.dicomgateway.spool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * What sealing and delivery need to know of a staged instance, captured when it is staged so they never parse the
 * file again: the digest of its data set ({@link InstanceDigest}; null when staged in one pass, which computes none
 * before the acknowledgement — the sealer then reads the file for it), the calling AE title its file meta group records,
 * and its de-identified header as DICOM JSON without bulk data ({@link dev.dicomgateway.dicom.DicomJson}) — the metadata
 * row's values.
 *
 * <p>It lives beside the staged file as {@code <sop>.summary} and moves with it (the sealer moves the study's whole
 * directory into the batch's files/). It is a cache, not a durability point: written after the .dcm's durable rename
 * without an fsync of its own, so a crash can leave it missing, torn or describing the copy the rename replaced.
 * Each is detected — a trailer holds the body's length and CRC-32, and the body records the size, modification time
 * and file key (inode) of the .dcm it describes — and then {@link #read} answers empty and the reader parses the
 * .dcm as it did before summaries existed. Never delivered: archives and objects are built from the manifest's list
 * of .dcm files only.
 */
public record InstanceSummary(String digest, String callingAe, Map<String, Object> metadata) {
    /** The sidecar's suffix, next to the staged {@code <sop>.dcm}. */
    public static final String SUFFIX = ".summary";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;
    /** "\n#" + 16 hex digits of the body's length + " " + 8 of its CRC-32 + "\n". */
    private static final int TRAILER = 28;
    /** A header of dicom.maxHeaderBytes (64 MiB at most by default) as JSON stays below this; larger: parsed instead. */
    private static final long MAX_BYTES = 256L << 20;

    public InstanceSummary {
        Objects.requireNonNull(callingAe, "callingAe");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** The body as written: the summary and the identity of the .dcm it describes. */
    private record Body(int format, long bytes, long modifiedNanos, String fileKey, String digest, String callingAe,
                        Map<String, Object> metadata) {
    }

    /** The sidecar of {@code dcm}: {@code <sop>.summary} beside {@code <sop>.dcm}. */
    public static Path sidecarOf(Path dcm) {
        String name = dcm.getFileName().toString();
        String base = name.endsWith(".dcm") ? name.substring(0, name.length() - 4) : name;
        return dcm.resolveSibling(base + SUFFIX);
    }

    /**
     * Writes the sidecar of {@code stagedTarget}, which must already have its final name (its size, time and inode
     * are recorded): call it after the durable rename, under the lock that covers the rename. Not synced: a crash
     * before the next journal commit leaves the sidecar missing or torn, which readers detect. Returns its size.
     */
    public long write(Path stagedTarget) throws IOException {
        BasicFileAttributes file = Files.readAttributes(stagedTarget, BasicFileAttributes.class);
        byte[] body = JSON.writeValueAsBytes(new Body(FORMAT, file.size(), file.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                String.valueOf(file.fileKey()), digest, callingAe, metadata));
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] trailer = String.format("\n#%016x %08x\n", body.length, crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        Path sidecar = sidecarOf(stagedTarget);
        Files.deleteIfExists(sidecar); // an earlier copy's; and what is there is never followed (a planted link)
        try (OutputStream out = Channels.newOutputStream(FileChannel.open(sidecar,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OwnerOnly.FILE))) {
            out.write(body);
            out.write(trailer);
        }
        return body.length + (long) trailer.length;
    }

    /**
     * The summary beside {@code dcm} when it is whole and describes {@code dcm} as it is now; empty when it is
     * missing, torn, too large, of another format, or left from a copy the .dcm replaced — then parse the .dcm.
     */
    public static Optional<InstanceSummary> read(Path dcm) {
        try {
            Path sidecar = sidecarOf(dcm);
            if (!Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS) || Files.size(sidecar) > MAX_BYTES
                    || Files.size(sidecar) < TRAILER) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(sidecar);
            int bodyLength = bytes.length - TRAILER;
            String trailer = new String(bytes, bodyLength, TRAILER, StandardCharsets.US_ASCII);
            if (!trailer.matches("\n#[0-9a-f]{16} [0-9a-f]{8}\n")
                    || Long.parseLong(trailer.substring(2, 18), 16) != bodyLength) {
                return Optional.empty();
            }
            CRC32 crc = new CRC32();
            crc.update(ByteBuffer.wrap(bytes, 0, bodyLength));
            if (crc.getValue() != Long.parseLong(trailer.substring(19, 27), 16)) {
                return Optional.empty();
            }
            Map<String, Object> body = JSON.readValue(bytes, 0, bodyLength, new TypeReference<Map<String, Object>>() { });
            BasicFileAttributes file = Files.readAttributes(dcm, BasicFileAttributes.class);
            if (!Integer.valueOf(FORMAT).equals(body.get("format"))
                    || !(body.get("bytes") instanceof Number bytesField) || bytesField.longValue() != file.size()
                    || !(body.get("modifiedNanos") instanceof Number modified)
                    || modified.longValue() != file.lastModifiedTime().to(TimeUnit.NANOSECONDS)
                    || !String.valueOf(file.fileKey()).equals(body.get("fileKey"))
                    || body.get("digest") != null && !(body.get("digest") instanceof String)
                    || !(body.get("callingAe") instanceof String ae)
                    || !(body.get("metadata") instanceof Map<?, ?> metadata)) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> header = (Map<String, Object>) metadata;
            return Optional.of(new InstanceSummary((String) body.get("digest"), ae, header));
        } catch (IOException | RuntimeException e) { // unreadable or garbled: the .dcm is the truth
            return Optional.empty();
        }
    }

    /** Deletes the sidecar of {@code dcm}, if any (the .dcm was deleted, or is about to be replaced by other means). */
    public static void discard(Path dcm) throws IOException {
        Files.deleteIfExists(sidecarOf(dcm));
    }
}
