package dev.dicomgateway.spool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when an open study is complete: no instance for study.stableAfter, or open for study.maxOpen. Pure
 * bookkeeping over arrival times — fed by the stager, rebuilt from file times at start-up — with no clock of its own.
 */
public final class StudyCompletionTracker {
    /** When a study's first and latest instances arrived. */
    public record OpenStudy(Instant firstArrival, Instant lastArrival) {
    }

    private final Duration stableAfter;
    private final Duration maxOpen;
    private final Map<StudyKey, OpenStudy> open = new ConcurrentHashMap<>();

    public StudyCompletionTracker(Duration stableAfter, Duration maxOpen) {
        this.stableAfter = stableAfter;
        this.maxOpen = maxOpen;
    }

    /** An instance of {@code study} arrived at {@code time}. */
    public void arrived(StudyKey study, Instant time) {
        open.merge(study, new OpenStudy(time, time), (was, now) -> new OpenStudy(
                was.firstArrival().isBefore(now.firstArrival()) ? was.firstArrival() : now.firstArrival(),
                was.lastArrival().isAfter(now.lastArrival()) ? was.lastArrival() : now.lastArrival()));
    }

    /** Studies complete at {@code now}: quiet for stableAfter, or open longer than maxOpen. */
    public List<StudyKey> complete(Instant now) {
        List<StudyKey> due = new ArrayList<>();
        open.keySet().forEach(study -> {
            if (isComplete(study, now)) {
                due.add(study);
            }
        });
        return due;
    }

    /** Whether {@code study} is open and complete at {@code now} (asked again under its lock before it is sealed). */
    public boolean isComplete(StudyKey study, Instant now) {
        OpenStudy times = open.get(study);
        return times != null && (!times.lastArrival().plus(stableAfter).isAfter(now)
                || !times.firstArrival().plus(maxOpen).isAfter(now));
    }

    /** True when {@code study} is due only because it has been open for study.maxOpen. */
    public boolean forcedByMaxOpen(StudyKey study, Instant now) {
        OpenStudy times = open.get(study);
        return times != null && times.lastArrival().plus(stableAfter).isAfter(now);
    }

    /** Whether {@code study} has instances staged and not yet sealed. */
    public boolean isOpen(StudyKey study) {
        return open.containsKey(study);
    }

    public void sealed(StudyKey study) {
        open.remove(study);
    }

    public Map<StudyKey, OpenStudy> openStudies() {
        return Map.copyOf(open);
    }
}
