package dev.dicomgateway.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dicomgateway.dicom.Uids;
import dev.dicomgateway.receive.PendingCommitments;
import dev.dicomgateway.receive.dimse.CommitmentDataSet;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending Storage Commitment requests as spool.dir/commitments/&lt;id&gt;.json, written with {@link DurableFiles}: the
 * requester's AE title, its Transaction UID and the creation time in the clear; the requested SOP Class and Instance
 * UIDs (the requester's originals, which the report must echo) only sealed with AES-GCM under the de-identifier's
 * sealing key. A file that cannot be read or opened is logged by name and skipped.
 */
public final class CommitmentFiles implements PendingCommitments {
    private static final Logger LOG = LoggerFactory.getLogger(CommitmentFiles.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final int MAX_FILE = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public CommitmentFiles(Path directory, byte[] sealingKey) {
        this.directory = directory;
        this.key = new SecretKeySpec(sealingKey, 0, 32, "AES");
    }

    @Override
    public void save(Pending pending) throws IOException {
        DurableFiles.createDirectories(directory);
        ObjectNode node = JSON.createObjectNode();
        node.put("requester", pending.requester());
        node.put("transactionUid", pending.request().transactionUid());
        node.put("createdMillis", pending.createdMillis());
        node.put("sealedInstances", Base64.getEncoder().encodeToString(seal(pending.request().references())));
        DurableFiles.writeDurably(file(pending.id()), JSON.writeValueAsBytes(node));
    }

    @Override
    public void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
        DurableFiles.syncDirectory(directory);
    }

    @Override
    public List<Pending> load() throws IOException {
        List<Pending> pending = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return pending;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                String id = file.getFileName().toString().replace(".json", "");
                try {
                    if (!ID.matcher(id).matches()) {
                        throw new IOException("not a name the gateway writes");
                    }
                    JsonNode node = JSON.readTree(DurableFiles.readBounded(file, MAX_FILE));
                    String transaction = node.path("transactionUid").asText();
                    if (!Uids.isValid(transaction)) {
                        throw new IOException("no valid transactionUid");
                    }
                    List<CommitmentDataSet.Reference> references = open(Base64.getDecoder().decode(
                            node.path("sealedInstances").asText()));
                    pending.add(new Pending(id, node.path("requester").asText(), node.path("createdMillis").asLong(),
                            new CommitmentDataSet.Request(transaction, references)));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("pending storage commitment {} unreadable, skipped ({}); delete it once checked", file,
                            e.getClass().getSimpleName());
                }
            }
        }
        return pending;
    }

    private Path file(String id) throws IOException {
        if (!ID.matcher(id).matches()) {
            throw new IOException("invalid pending commitment id");
        }
        return directory.resolve(id + ".json");
    }

    private byte[] seal(List<CommitmentDataSet.Reference> references) throws IOException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream(references.size() * 96);
        try (DataOutputStream out = new DataOutputStream(plain)) {
            out.writeInt(references.size());
            for (CommitmentDataSet.Reference reference : references) {
                out.writeUTF(reference.sopClassUid());
                out.writeUTF(reference.sopInstanceUid());
            }
        }
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plain.toByteArray());
            byte[] result = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, result, 0, 12);
            System.arraycopy(sealed, 0, result, 12, sealed.length);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a pending storage commitment: " + e.getMessage(), e);
        }
    }

    private List<CommitmentDataSet.Reference> open(byte[] sealed) throws IOException {
        if (sealed.length < 28) {
            throw new IOException("sealed instances too short");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
            plain = cipher.doFinal(sealed, 12, sealed.length - 12);
        } catch (GeneralSecurityException e) {
            throw new IOException("sealed instances do not open with this secret (deidentify.secretFile changed?)", e);
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(plain))) {
            int count = in.readInt();
            if (count < 0 || count > 100_000) {
                throw new IOException("implausible instance count");
            }
            List<CommitmentDataSet.Reference> references = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                references.add(new CommitmentDataSet.Reference(in.readUTF(), in.readUTF()));
            }
            return references;
        }
    }
}
