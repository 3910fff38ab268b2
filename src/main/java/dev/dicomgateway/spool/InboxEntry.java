package dev.dicomgateway.spool;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One import's files handed to the spool's owner: {@code inbox/<id>.part/} while the import copies them in,
 * renamed to {@code inbox/<id>/} once complete. Inside: {@code import.lock} (held by the import for its whole life),
 * {@code files/<n>.dcm} (copies of the sources, PHI until staged: 0600, fsynced), {@code outcomes.tsv} (one line per
 * file the owner has staged or skipped, written before the file is deleted) and {@code done} (written by the owner
 * once every file is processed). The import reads the outcomes and removes the entry; an entry whose import is gone
 * is removed by the owner — never one whose import still runs.
 */
final class InboxEntry {
    static final String PART = ".part";
    private static final String LOCK = "import.lock";
    private static final String FILES = "files";
    private static final String OUTCOMES = "outcomes.tsv";
    private static final String DONE = "done";
    private static final String STAGED = "staged";
    private static final String SKIPPED = "skipped";
    /** A directory without its import's line in the lock file is being created, unless it is this old. */
    private static final Duration CREATION_GRACE = Duration.ofMinutes(10);

    private final Path directory;

    InboxEntry(Path directory) {
        this.directory = directory;
    }

    /** A new, empty entry {@code inbox/<id>.part}; its import takes its {@link #lock} at once. */
    static InboxEntry create(Path inbox, String id) throws IOException {
        DurableFiles.createDirectories(inbox);
        Path directory = inbox.resolve(id + PART);
        Files.createDirectory(directory, OwnerOnly.DIRECTORY);
        DurableFiles.syncDirectory(inbox);
        return new InboxEntry(directory);
    }

    /** The import's lock on its entry, with {@code holder} written in it, kept until it removes the entry. */
    LockFile lock(String holder) throws IOException {
        LockFile lock = LockFile.acquire(directory.resolve(LOCK), holder);
        DurableFiles.createDirectories(directory.resolve(FILES));
        return lock;
    }

    Path directory() {
        return directory;
    }

    String id() {
        String name = directory.getFileName().toString();
        return name.endsWith(PART) ? name.substring(0, name.length() - PART.length()) : name;
    }

    boolean isHandedIn() {
        return !directory.getFileName().toString().endsWith(PART);
    }

    boolean isDone() {
        return Files.exists(directory.resolve(DONE));
    }

    /** Where the {@code n}th copy goes. */
    Path copyPath(long n) {
        return directory.resolve(FILES).resolve(String.format("%08d.dcm", n));
    }

    /** Makes the copies durable and renames {@code <id>.part} to {@code <id>}: from now on the owner stages them. */
    InboxEntry handIn() throws IOException {
        DurableFiles.syncDirectory(directory.resolve(FILES));
        DurableFiles.syncDirectory(directory);
        Path handedIn = directory.resolveSibling(id());
        DurableFiles.moveDurably(directory, handedIn);
        return new InboxEntry(handedIn);
    }

    /**
     * Stages every file still in the entry, in name order, recording each outcome before deleting the file, then
     * writes {@code done}. Resumable: a file staged again after a crash replaces its earlier copy, and its later
     * outcome line replaces the earlier one. Returns false when {@code stop} asked it to stop before the end.
     */
    boolean stageAll(FileStager stager, java.util.function.BooleanSupplier stop) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory.resolve(FILES))) {
            for (Path file : listing) {
                if (file.getFileName().toString().endsWith(".dcm")) {
                    files.add(file);
                } else {
                    Files.deleteIfExists(file); // the stager's output left by a crash (never renamed into the spool)
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        try (FileChannel outcomes = FileChannel.open(directory.resolve(OUTCOMES), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), OwnerOnly.FILE)) {
            for (Path file : files) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                Optional<String> skipped = stageLinked(stager, file);
                String line = file.getFileName() + "\t" + skipped.map(reason -> SKIPPED + "\t" + oneLine(reason)).orElse(STAGED);
                outcomes.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                Files.delete(file);
            }
            outcomes.force(true);
        }
        DurableFiles.syncDirectory(directory.resolve(FILES));
        DurableFiles.writeDurably(directory.resolve(DONE), Instant.now().toString().getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    /**
     * Stages {@code file} through a second name (a hard link), since the stager may move what it stages into the
     * spool (passthrough does): the file itself stays until its outcome is recorded, so a crash in between stages it
     * again rather than losing its outcome.
     */
    private static Optional<String> stageLinked(FileStager stager, Path file) throws IOException {
        Path link = file.resolveSibling(file.getFileName() + ".staging");
        Files.deleteIfExists(link);
        Files.createLink(link, file);
        try {
            return stager.stage(link);
        } finally {
            Files.deleteIfExists(link);
        }
    }

    /** How many files are still to be staged. */
    long remaining() throws IOException {
        try (Stream<Path> files = Files.list(directory.resolve(FILES))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".dcm")).count();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** The outcomes recorded so far: one per file (the last line of a file staged twice). */
    ImportSummary outcomes() throws IOException {
        Map<String, String> byFile = new LinkedHashMap<>();
        Path file = directory.resolve(OUTCOMES);
        if (Files.exists(file)) {
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] fields = line.split("\t", 2);
                    if (fields.length == 2) {
                        byFile.put(fields[0], fields[1]);
                    }
                }
            }
        }
        long staged = 0;
        Map<String, Long> skipped = new TreeMap<>();
        for (String outcome : byFile.values()) {
            if (outcome.equals(STAGED)) {
                staged++;
            } else {
                skipped.merge(outcome.startsWith(SKIPPED + "\t") ? outcome.substring(SKIPPED.length() + 1) : outcome,
                        1L, Long::sum);
            }
        }
        return new ImportSummary(staged, skipped);
    }

    /**
     * Removes the entry if the import that made it is gone: its lock is free and names the import (a free lock
     * without its line, or no lock file, means the import is creating it, unless that was long ago). Returns whether
     * it removed it. An entry is removed while its lock is held, so its import cannot be half way through anything.
     */
    boolean removeIfAbandoned() throws IOException {
        Path lockFile = directory.resolve(LOCK);
        Optional<LockFile> taken;
        try {
            taken = LockFile.tryTakeOver(lockFile);
        } catch (NoSuchFileException e) {
            if (!olderThan(directory, CREATION_GRACE)) {
                return false;
            }
            deleteRecursively(directory);
            return true;
        }
        if (taken.isEmpty()) {
            return false; // its import is alive
        }
        try (LockFile lock = taken.get()) {
            if (lock.holder().isEmpty() && !olderThan(lockFile, CREATION_GRACE)) {
                return false;
            }
            deleteRecursively(directory);
            return true;
        }
    }

    /**
     * Deletes the entry: what its import does, holding the lock, once it has read the outcomes. The lock file goes
     * last, so the owner never finds the entry without it while anything else is left.
     */
    void delete() throws IOException {
        try (DirectoryStream<Path> contents = Files.newDirectoryStream(directory)) {
            for (Path path : contents) {
                if (!path.getFileName().toString().equals(LOCK)) {
                    deleteRecursively(path);
                }
            }
        } catch (NoSuchFileException gone) {
            return;
        }
        Files.deleteIfExists(directory.resolve(LOCK));
        Files.deleteIfExists(directory);
    }

    /** Stages one file of an entry; empty when staged, else why not. */
    @FunctionalInterface
    interface FileStager {
        Optional<String> stage(Path file) throws IOException;
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\t\\r\\n]", " ");
    }

    private static boolean olderThan(Path path, Duration age) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(path)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return; // removed meanwhile
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException && !Files.exists(path)) {
                return;
            }
            throw e.getCause();
        }
        for (Path each : paths) {
            Files.deleteIfExists(each);
        }
    }
}
