package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a {@link SpoolBackup} back: checks every member against the backup's manifest first, takes the spool (so
 * never beside a running gateway), refuses to replace anything that differs from the backup — a restore onto a
 * spool that started afresh with a new secret would mix two sets of pseudonyms — and then copies each member into
 * place through a synced temporary file and an atomic rename. Members already there unchanged are left alone, so a
 * restore that was interrupted can simply be run again.
 */
public final class SpoolRestore {
    /** What was copied and what was already in place, by member name. */
    public record Result(List<String> restored, List<String> alreadyThere) {
    }

    private SpoolRestore() {
    }

    public static Result restore(Path backup, SpoolLayout layout, Path secretFile) throws IOException {
        Map<String, Path> members = SpoolBackup.members(layout, secretFile);
        Map<String, String> manifest = readManifest(backup, members);
        for (Map.Entry<String, String> member : manifest.entrySet()) {
            Path copy = backup.resolve(member.getKey());
            if (!Files.isRegularFile(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    || !SpoolBackup.sha256(copy).equals(member.getValue())) {
                throw new IOException("the backup is damaged: " + copy + " is missing, not a plain file (a symbolic link?) or differs from its checksum in "
                        + SpoolBackup.MANIFEST + "; nothing was changed. Use another backup");
            }
        }
        try (SpoolLock lock = SpoolLock.acquire(layout, "restore")) {
            List<String> restored = new ArrayList<>();
            List<String> alreadyThere = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            for (Map.Entry<String, String> member : manifest.entrySet()) {
                Path destination = members.get(member.getKey());
                if (!Files.exists(destination)) {
                    restored.add(member.getKey());
                } else if (Files.isRegularFile(destination) && SpoolBackup.sha256(destination).equals(member.getValue())) {
                    alreadyThere.add(member.getKey());
                } else {
                    conflicts.add(destination.toString());
                }
            }
            if (!conflicts.isEmpty()) {
                throw new IOException("will not replace " + String.join(", ", conflicts) + ": different from the backup "
                        + "(a gateway started on this spool.dir without it?); nothing was changed. Restore onto a new "
                        + "spool.dir, or move these aside first");
            }
            for (String name : restored) {
                Path destination = members.get(name);
                DurableFiles.createDirectories(destination.getParent());
                Path temporary = destination.resolveSibling("." + destination.getFileName() + ".restoring");
                OwnerOnly.copy(backup.resolve(name), temporary);
                DurableFiles.syncFile(temporary);
                DurableFiles.moveDurably(temporary, destination);
            }
            return new Result(restored, alreadyThere);
        }
    }

    /** The manifest's members and checksums; only names a backup holds, the secret among them. */
    private static Map<String, String> readManifest(Path backup, Map<String, Path> known) throws IOException {
        Path file = backup.resolve(SpoolBackup.MANIFEST);
        if (!Files.isDirectory(backup)) {
            throw new IOException(backup + (Files.exists(backup) ? " is not a directory" : " does not exist")
                    + ": name the directory that `dicom-gateway backup` wrote");
        }
        if (!Files.isReadable(backup) || !Files.isExecutable(backup)) {
            throw new IOException("cannot read the backup " + backup + ": permission denied; run restore as the user "
                    + "that owns it (the service user: chown -R dicom-gateway: " + backup + ")");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(backup + " is not a dicom-gateway backup: it has no " + SpoolBackup.MANIFEST);
        }
        Map<String, String> manifest = new LinkedHashMap<>();
        for (String line : DurableFiles.readControlFile(file).split("\n")) {
            String[] fields = line.split("  ", 2);
            if (fields.length != 2 || !fields[0].matches("[0-9a-f]{64}") || !known.containsKey(fields[1])
                    || manifest.put(fields[1], fields[0]) != null) {
                throw new IOException(file + " is damaged (a line that is not \"sha256  member\"); nothing was changed");
            }
        }
        if (!manifest.containsKey(SpoolBackup.SECRET)) {
            throw new IOException(file + " lists no " + SpoolBackup.SECRET + ": not a complete backup; nothing was changed");
        }
        return manifest;
    }
}
