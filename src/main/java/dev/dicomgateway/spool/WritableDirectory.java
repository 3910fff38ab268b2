package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the gateway could write into a directory, found out without leaving anything behind (`dicom-gateway check`
 * creates nothing): an existing directory takes a probe file that is deleted at once; a missing one needs its nearest
 * existing ancestor to be a writable directory, because `run` creates it there.
 */
public final class WritableDirectory {
    private WritableDirectory() {
    }

    /** A one-line account of {@code directory}; an IOException whose message names it, {@code key} and the fix. */
    public static String probe(Path directory, String key) throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try {
                Files.delete(Files.createTempFile(target, ".check-", ".tmp"));
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage()
                        + WriteAccess.hint(target, key, "the service user needs write access"), e);
            }
            return target + " is writable";
        }
        if (Files.exists(target)) {
            throw new IOException(target + " is not a directory (" + key + "; point it at a directory)");
        }
        Path ancestor = target.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            throw new IOException("cannot create " + target + ": " + ancestor + " is not a writable directory (" + key
                    + "; create " + target + " for the service user, or point " + key + " elsewhere)");
        }
        return target + " does not exist yet; `run` creates it (" + ancestor + " is writable)";
    }
}
