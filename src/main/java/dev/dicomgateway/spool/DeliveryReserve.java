package dev.dicomgateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space on the spool's file system that staging can never take, so delivery — the only way space comes back — can
 * always write its small files (manifests, the BigQuery queue, delivered/ records, the moves to trash/). It is held
 * as a file of spool.reserveBytes, state/delivery-reserve, of incompressible bytes (a compressing file system would
 * store zeros in nothing).
 *
 * <p>When the file system is full — less free than spool.minFreeBytes or than the reserve itself, or a write that
 * failed with ENOSPC, in staging or in delivery — the file is deleted: its room is delivery's, and staging is refused
 * (0xA700, /readyz not ready) until the reserve is back. It is written again once space has returned: at least
 * minFreeBytes + 2 x reserveBytes free (one reserve to hold, one of room above the thresholds), and reserveBytes more
 * than the least free space seen since it was given up — so only what delivery frees brings staging back, and a
 * disk that just filled up does not take the reserve back and give it up again with every refused instance. Only the
 * process that delivers ({@link #open}) manages the file.
 */
public final class DeliveryReserve {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReserve.class);
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final DiskSpace space;
    private final long bytes;
    private volatile boolean givenUp;
    /** The least free space seen since the reserve was given up (its room included). */
    private volatile long lowWater;
    /** Whether writing the reserve again failed since it was given up (logged once). */
    private boolean restoreFailed;

    public DeliveryReserve(SpoolLayout layout, DiskSpace space, long bytes) {
        this.file = layout.deliveryReserve();
        this.space = space;
        this.bytes = bytes;
    }

    /** At start-up: keeps a reserve file of the right size, otherwise writes it if there is room, else starts full. */
    public synchronized void open() throws IOException {
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".tmp")); // a write cut short by a stop
        if (bytes > 0 && Files.isRegularFile(file) && Files.size(file) == bytes) {
            givenUp = false;
            return;
        }
        Files.deleteIfExists(file); // another size: spool.reserveBytes changed
        givenUp = true;
        lowWater = 0; // whatever is free now is room that returned
        restoreIfRoom();
        if (givenUp) {
            lowWater = space.usableBytes();
            LOG.warn("spool file system has {} bytes free, too little to hold the delivery reserve (spool.reserveBytes) "
                    + "above spool.minFreeBytes: new instances get 0xA700 until delivery has freed space ({} bytes free)",
                    lowWater, resumeAt());
        }
    }

    /** Whether staging must stop because the reserve is given up (the file system was full). */
    public boolean givenUp() {
        return givenUp;
    }

    /** Bytes held for delivery now (0 while given up). */
    public long heldBytes() {
        return givenUp ? 0 : bytes;
    }

    /**
     * The file system is full ({@code why}): deletes the reserve so delivery has room, and refuses staging until
     * {@link #maintain} writes it again. Returns whether this freed space (false when already given up).
     */
    public synchronized boolean giveUp(String why) {
        if (givenUp) {
            return false;
        }
        givenUp = true;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.error("cannot delete the delivery reserve {}: {} (spool.dir)", file, FatalErrors.describe(e));
        }
        lowWater = space.usableBytes();
        if (bytes > 0) {
            LOG.warn("spool file system full ({}): gave the delivery reserve of {} bytes to delivery (spool.reserveBytes); "
                    + "new instances get 0xA700 until {} bytes are free", why, bytes, resumeAt());
        } else {
            LOG.warn("spool file system full ({}): new instances get 0xA700 until {} bytes are free; no delivery reserve "
                    + "(spool.reserveBytes=0), so delivery may be stuck too until space is freed", why, resumeAt());
        }
        return bytes > 0;
    }

    /**
     * Each delivery cycle: gives the reserve up when less is free than spool.minFreeBytes or the reserve itself, writes
     * it again once space has returned.
     */
    public synchronized void maintain() {
        long usable = space.usableBytes();
        if (!givenUp && (usable < space.minFreeBytes() || usable < bytes)) {
            giveUp(usable + " bytes free, below spool.minFreeBytes=" + space.minFreeBytes() + " or spool.reserveBytes="
                    + bytes);
        } else if (givenUp) {
            lowWater = Math.min(lowWater, usable);
            restoreIfRoom();
            if (!givenUp) {
                LOG.info("spool file system has room again ({} bytes free): {}accepting instances", space.usableBytes(),
                        bytes > 0 ? "delivery reserve of " + bytes + " bytes written; " : "");
            }
        }
    }

    /**
     * Why staging is refused and /readyz fails for lack of space, if it is: below spool.minFreeBytes, or full until
     * delivery frees space.
     */
    public Optional<String> problem() {
        long usable = space.usableBytes();
        if (usable < space.minFreeBytes()) {
            return Optional.of(usable + " bytes free, below spool.minFreeBytes=" + space.minFreeBytes());
        }
        if (givenUp) {
            return Optional.of("spool file system was full: " + usable + " bytes free, delivery uses the reserve "
                    + "(spool.reserveBytes=" + bytes + "); new instances are accepted again from " + resumeAt()
                    + " bytes free");
        }
        return Optional.empty();
    }

    /** The free space at which the reserve is written again and staging resumes. */
    private long resumeAt() {
        return Math.max(space.minFreeBytes() + 2 * bytes, lowWater + bytes);
    }

    private void restoreIfRoom() {
        if (space.usableBytes() < resumeAt()) {
            return;
        }
        if (bytes > 0) {
            try {
                DurableFiles.writeDurably(file, out -> {
                    byte[] chunk = new byte[CHUNK];
                    new SplittableRandom().nextBytes(chunk);
                    for (long left = bytes; left > 0; left -= CHUNK) {
                        out.write(chunk, 0, (int) Math.min(CHUNK, left));
                    }
                });
            } catch (IOException e) { // staging or another writer took the room meanwhile: try again next cycle
                if (!restoreFailed) { // once per full spell, not every tick
                    LOG.warn("cannot write the delivery reserve {}: {}; trying again each delivery cycle", file,
                            FatalErrors.describe(e));
                    restoreFailed = true;
                }
                return;
            }
        }
        restoreFailed = false;
        givenUp = false;
    }
}
