package dev.dicomgateway.spool;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Staging an instance (shared) and sealing its study (exclusive) never overlap, so no instance is lost to a seal or
 * sealed early. A sealed study's lock is evicted, so the map holds only open studies; whoever takes a lock checks that
 * it is still the study's current one (an eviction may have happened while it waited) and otherwise takes the new one.
 * Staging the same file (one SOP Instance UID arriving on two associations at once) is serialised by a lock striped
 * on the file's path, so "was it there already?" and the move are one step and the spool's usage is counted once.
 */
final class StudyLocks {
    private static final int STRIPES = 256;

    private final Map<StudyKey, ReadWriteLock> locks = new ConcurrentHashMap<>();
    private final Lock[] files = new Lock[STRIPES];

    StudyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            files[i] = new ReentrantLock();
        }
    }

    /** Takes {@code study}'s shared (staging) lock; the caller unlocks what it returns. */
    Lock share(StudyKey study) {
        while (true) {
            ReadWriteLock lock = locks.computeIfAbsent(study, key -> new ReentrantReadWriteLock());
            lock.readLock().lock();
            if (locks.get(study) == lock) {
                return lock.readLock();
            }
            lock.readLock().unlock(); // evicted while we waited: the study was sealed; stage into its next part
        }
    }

    /** Takes {@code study}'s exclusive (sealing) lock; the caller unlocks its write lock, after {@link #evict} if sealed. */
    ReadWriteLock exclusive(StudyKey study) {
        while (true) {
            ReadWriteLock lock = locks.computeIfAbsent(study, key -> new ReentrantReadWriteLock());
            lock.writeLock().lock();
            if (locks.get(study) == lock) {
                return lock;
            }
            lock.writeLock().unlock();
        }
    }

    /** Forgets {@code study}'s lock (held exclusively by the caller): it was sealed. */
    void evict(StudyKey study, ReadWriteLock held) {
        locks.remove(study, held);
    }

    /**
     * Forgets {@code study}'s lock when no one holds it and the study is not open (a stager that staged nothing — a
     * resend already sealed or delivered, a failure — created it): otherwise every re-pushed study would leave one
     * behind for good. A stager waiting for it then takes the study's new lock, as after a seal.
     */
    void evictIfUnused(StudyKey study, java.util.function.Predicate<StudyKey> open) {
        ReadWriteLock lock = locks.get(study);
        if (lock == null || !lock.writeLock().tryLock()) {
            return; // staged into or sealed right now: whoever holds it evicts it when the study is sealed
        }
        try {
            if (!open.test(study)) {
                locks.remove(study, lock);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The lock serialising the staging of {@code file}. */
    Lock file(Path file) {
        return files[Math.floorMod(file.hashCode(), STRIPES)];
    }

    /** How many studies have a lock (open studies, and ones being staged into or sealed right now). */
    int size() {
        return locks.size();
    }
}
