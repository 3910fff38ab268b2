package dev.dicomgateway.deliver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a directory may have gained or lost entries since it was last listed, from its modification time (one stat
 * instead of a listing of every entry). A time within {@link #RACY} of now could hide a later change in the same
 * clock tick of the file system, so the directory counts as changed until its time has settled; and it counts as
 * changed once every {@link #RELIST_EVERY} whatever its time says (a file system whose clock runs behind).
 */
final class DirectoryChanges {
    private static final Duration RACY = Duration.ofSeconds(2);
    private static final Duration RELIST_EVERY = Duration.ofMinutes(1);

    private final Path directory;
    private FileTime listedAt;
    private boolean settled;
    private long lastListingNanos;

    DirectoryChanges(Path directory) {
        this.directory = directory;
    }

    /**
     * Whether to list the directory now. When it answers true the caller lists it: the time read here, before the
     * listing, is the one the next call compares with, so a change during the listing is seen at the next call.
     */
    synchronized boolean changed() throws IOException {
        FileTime modified = Files.getLastModifiedTime(directory);
        boolean changed = !settled || !modified.equals(listedAt)
                || System.nanoTime() - lastListingNanos > RELIST_EVERY.toNanos();
        if (changed) {
            listedAt = modified;
            settled = Duration.between(modified.toInstant(), Instant.now()).compareTo(RACY) > 0;
            lastListingNanos = System.nanoTime();
        }
        return changed;
    }
}
