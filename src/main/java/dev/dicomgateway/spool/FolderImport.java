package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.DataSetLayout;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * `dicom-gateway import DIR` (sendit's folder mode, or back-filling an archive): every Part 10 file below a folder
 * goes through the same de-identify → spool path as a received instance, and a running gateway is asked to pick the
 * new studies up. Source files are only read.
 */
public final class FolderImport {
    public static final String CALLING_AE = "IMPORT";

    /** How many files were staged, and how many were skipped for which reason. */
    public record Summary(long staged, Map<String, Long> skipped) {
    }

    private final Spool spool;
    private final InstanceHeaderReader reader = new InstanceHeaderReader();

    public FolderImport(Spool spool) {
        this.spool = spool;
    }

    public Summary importFolder(Path folder) throws IOException {
        long staged = 0;
        Map<String, Long> skipped = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String problem = importFile(file);
            if (problem == null) {
                staged++;
            } else {
                skipped.merge(problem, 1L, Long::sum);
            }
        }
        DurableFiles.createDirectories(spool.layout().rescanRequest().getParent());
        DurableFiles.writeDurably(spool.layout().rescanRequest(), "import\n".getBytes(StandardCharsets.US_ASCII));
        return new Summary(staged, skipped);
    }

    /** Null when staged, else why not (a short reason, no PHI). */
    private String importFile(Path file) throws IOException {
        InstanceHeader header;
        try {
            DataSetLayout.read(file, spool.limits());
            header = reader.read(file);
        } catch (UnreadableDataSetException e) {
            return "not a DICOM Part 10 file or refused (" + e.getMessage() + ")";
        }
        Path copy = spool.layout().temporary().resolve("import-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".part");
        try {
            OwnerOnly.copy(file, copy); // PHI until de-identified: 0600, whatever the source file's mode
            StoreOutcome outcome = spool.stager().store(new ReceivedInstance(copy, header.sopClassUid(),
                    header.sopInstanceUid(), "", CALLING_AE, Files.size(file)));
            return outcome.success() ? null : outcome.reason() + " (" + outcome.comment() + ")";
        } finally {
            Files.deleteIfExists(copy);
        }
    }

}
