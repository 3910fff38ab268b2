package dev.dicomgateway.deidentify;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The local re-identification table: one row per study the first time it is seen — original PatientID, Issuer of
 * Patient ID, AccessionNumber and StudyInstanceUID against the entity id, item id and new StudyInstanceUID. Mode
 * 0600 in the spool's private area, appended durably, never uploaded; `dicom-gateway lookup` reads it.
 */
public final class LookupTable {
    public static final String FILE_NAME = "lookup.tsv";
    private static final String HEADER = "first_seen\tentity_id\titem_id\tdeidentified_study_uid\tpatient_id"
            + "\tissuer_of_patient_id\taccession_number\tstudy_instance_uid";

    /** One row of the table. */
    public record Row(String firstSeen, String entityId, String itemId, String deidentifiedStudyUid, String patientId,
                      String issuerOfPatientId, String accessionNumber, String studyInstanceUid) {
    }

    private final Path file;
    private final Clock clock;
    private final Set<String> knownItems = new HashSet<>();

    private LookupTable(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * Opens (or creates, mode 0600 in a 0700 directory) the table in {@code privateDirectory}; refuses a table group or
     * others may read, as the secret file is refused.
     */
    public static LookupTable open(Path privateDirectory, Clock clock) throws IOException {
        if (!Files.isDirectory(privateDirectory)) {
            DurableDirectory.create(privateDirectory);
        }
        LookupTable table = new LookupTable(privateDirectory.resolve(FILE_NAME), clock);
        if (!Files.exists(table.file)) {
            Files.createFile(table.file, SecretKeyFile.OWNER_ONLY_FILE);
            table.append(HEADER + "\n");
            DurableDirectory.sync(privateDirectory); // its entry too: the originals must not vanish in a power cut
        }
        // the originals behind every pseudonym: checked like the secret, refused rather than tightened unnoticed
        SecretKeyFile.refuseIfShared(table.file, "lookup table", "it holds the original identifiers; spool.dir");
        for (Row row : read(table.file)) {
            table.knownItems.add(row.itemId());
        }
        return table;
    }

    /** Appends the study's row unless it is already there; durable before it returns. */
    public synchronized void recordStudy(String entityId, String itemId, String deidentifiedStudyUid, String patientId,
                                         String issuerOfPatientId, String accessionNumber, String studyInstanceUid)
            throws IOException {
        if (knownItems.contains(itemId)) {
            return;
        }
        append(String.join("\t", clock.instant().toString(), entityId, itemId, deidentifiedStudyUid, escape(patientId),
                escape(issuerOfPatientId), escape(accessionNumber), escape(studyInstanceUid)) + "\n");
        knownItems.add(itemId);
    }

    /** Rows whose entity id or item id is {@code id}. */
    public static List<Row> find(Path privateDirectory, String id) throws IOException {
        return read(privateDirectory.resolve(FILE_NAME)).stream()
                .filter(row -> row.entityId().equals(id) || row.itemId().equals(id)).toList();
    }

    /**
     * Appends {@code line} whole or not at all: on a full disk write(2) stores what fits and says so only by its count,
     * so it is written until done, and a failure (ENOSPC at the next write) cuts the file back to its last whole row.
     */
    private void append(String line) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long whole = channel.size();
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            } catch (IOException e) {
                channel.truncate(whole);
                channel.force(true);
                throw e;
            }
        }
    }

    private static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split("\t", -1);
                if (f.length == 8 && !line.equals(HEADER)) {
                    rows.add(new Row(f[0], f[1], f[2], f[3], unescape(f[4]), unescape(f[5]), unescape(f[6]), unescape(f[7])));
                }
            }
        }
        return rows;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
