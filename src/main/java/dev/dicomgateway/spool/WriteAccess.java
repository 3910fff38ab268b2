package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fix to name when the gateway cannot write a directory its configuration names. On a read-only file system that
 * is usually not a permission: the systemd unit's ProtectSystem=strict leaves only /var/lib/dicom-gateway writable, so
 * a spool or destination moved to another disk needs ReadWritePaths= (a `dicom-gateway check` run outside the unit
 * sees the directory writable and cannot tell).
 */
public final class WriteAccess {
    private static final Path MOUNTS = Path.of("/proc/self/mounts");
    private static final int MOUNTS_LIMIT = 4 << 20;
    private WriteAccess() {
    }

    /** "(KEY; …)" for a failed write into {@code directory}: the read-only-file-system fix, else write access. */
    public static String hint(Path directory, String key, String otherwise) {
        if (onReadOnlyFileSystem(directory)) {
            Path absolute = directory.toAbsolutePath().normalize();
            return " (" + key + "; " + absolute + " is on a read-only file system: under the systemd unit "
                    + "(ProtectSystem=strict) only /var/lib/dicom-gateway is writable; add it with `systemctl edit "
                    + "dicom-gateway`: [Service] ReadWritePaths=" + absolute + ")";
        }
        return " (" + key + "; " + otherwise + ")";
    }

    /**
     * Whether the mount that holds {@code directory} (the longest mount point above it in /proc/self/mounts) is
     * read-only. Java's FileStore cannot tell: it names the device's first mount, not a read-only bind mount over it,
     * which is what ProtectSystem= makes.
     */
    private static boolean onReadOnlyFileSystem(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        String mounts;
        try (java.io.InputStream in = Files.newInputStream(MOUNTS)) {
            mounts = new String(in.readNBytes(MOUNTS_LIMIT), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return false; // no mount table to read: the usual hint
        }
        Path best = null;
        boolean readOnly = false;
        for (String line : mounts.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length < 4) {
                continue;
            }
            Path mountPoint = Path.of(fields[1].replace("\\040", " "));
            if (absolute.startsWith(mountPoint) && (best == null || mountPoint.getNameCount() >= best.getNameCount())) {
                best = mountPoint;
                readOnly = java.util.List.of(fields[3].split(",")).contains("ro");
            }
        }
        return readOnly;
    }
}
