package dev.dicomgateway.spool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Staging an instance (shared) and sealing its study (exclusive) never overlap, so no instance is lost to a seal. */
final class StudyLocks {
    private final Map<StudyKey, ReadWriteLock> locks = new ConcurrentHashMap<>();

    ReadWriteLock of(StudyKey study) {
        return locks.computeIfAbsent(study, key -> new ReentrantReadWriteLock());
    }
}
