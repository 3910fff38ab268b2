package dev.dicomgateway.spool;

import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * `dicom-gateway import DIR` when no gateway runs on the spool (the import holds the {@link SpoolLock}): every Part
 * 10 file below a folder goes through the same de-identify → spool path as a received instance. The next `run`
 * finds the studies in incoming/ and seals and delivers them. Source files are only read. Beside a running gateway
 * the files are handed to it instead ({@link ImportHandoff}).
 */
public final class FolderImport {
    private final Spool spool;
    private final ImportStaging staging;

    /** {@code spool} must be opened by the process that holds its {@link SpoolLock}. */
    public FolderImport(Spool spool) {
        this.spool = spool;
        this.staging = new ImportStaging(spool.stager(), spool.limits());
    }

    public ImportSummary importFolder(Path folder) throws IOException {
        long staged = 0;
        Map<String, Long> skipped = new TreeMap<>();
        for (Path file : regularFiles(folder)) {
            Optional<String> problem = importFile(file);
            if (problem.isEmpty()) {
                staged++;
            } else {
                skipped.merge(problem.get(), 1L, Long::sum);
            }
        }
        return new ImportSummary(staged, skipped);
    }

    /** The regular files below {@code folder}, in name order. */
    static List<Path> regularFiles(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Empty when staged, else why not (a short reason, no PHI). */
    private Optional<String> importFile(Path file) throws IOException {
        InstanceHeader header;
        try {
            header = ImportStaging.header(file, spool.limits());
        } catch (UnreadableDataSetException e) {
            return Optional.of(ImportStaging.notDicom(e));
        }
        Path copy = spool.layout().temporary().resolve("import-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".part");
        try {
            OwnerOnly.copy(file, copy); // PHI until de-identified: 0600, whatever the source file's mode
            return staging.stage(copy, header);
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
