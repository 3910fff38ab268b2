package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudyCompletionTrackerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final StudyCompletionTracker tracker = new StudyCompletionTracker(Duration.ofSeconds(60), Duration.ofMinutes(90));
    private final StudyKey study = new StudyKey("DEFAULT", "E1", "I1");

    @Test
    void quietStudyCompletesAfterStableAfter() {
        tracker.arrived(study, T0);
        tracker.arrived(study, T0.plusSeconds(30));
        assertEquals(List.of(), tracker.complete(T0.plusSeconds(89)), "30 s + 59 s: still open");
        assertEquals(List.of(study), tracker.complete(T0.plusSeconds(90)));
        assertFalse(tracker.forcedByMaxOpen(study, T0.plusSeconds(90)));
    }

    @Test
    void studyThatNeverGoesQuietIsSealedAtMaxOpen() {
        for (int s = 0; s <= 90 * 60; s += 30) {
            tracker.arrived(study, T0.plusSeconds(s));
        }
        assertEquals(List.of(study), tracker.complete(T0.plusSeconds(90 * 60)));
        assertTrue(tracker.forcedByMaxOpen(study, T0.plusSeconds(90 * 60)));
    }

    @Test
    void arrivalsOutOfOrderKeepTheLatest() {
        tracker.arrived(study, T0.plusSeconds(50));
        tracker.arrived(study, T0); // a file time recovered at start-up, older
        assertEquals(List.of(), tracker.complete(T0.plusSeconds(100)));
        tracker.sealed(study);
        assertEquals(List.of(), tracker.complete(T0.plusSeconds(1000)));
    }

    @Test
    void maxOpenCountsFromTheFirstArrivalToTheMillisecond() {
        tracker.arrived(study, T0);
        tracker.arrived(study, T0.plus(Duration.ofMinutes(89)).plusSeconds(30));
        Instant justBefore = T0.plus(Duration.ofMinutes(90)).minusMillis(1);
        assertEquals(List.of(), tracker.complete(justBefore));
        assertEquals(List.of(study), tracker.complete(T0.plus(Duration.ofMinutes(90))));
        assertTrue(tracker.forcedByMaxOpen(study, T0.plus(Duration.ofMinutes(90))), "30 s quiet is not stableAfter");
    }

    @Test
    void studiesCompleteEachOnItsOwnTimes() {
        StudyKey other = new StudyKey("DEFAULT", "E1", "I2");
        StudyKey otherPatient = new StudyKey("DEFAULT", "E2", "I1");
        tracker.arrived(study, T0);
        tracker.arrived(other, T0.plusSeconds(20));
        tracker.arrived(otherPatient, T0.plusSeconds(40));
        assertEquals(List.of(study), tracker.complete(T0.plusSeconds(60)));
        tracker.sealed(study);
        assertEquals(List.of(other), tracker.complete(T0.plusSeconds(80)));
        tracker.sealed(other);
        assertEquals(List.of(), tracker.complete(T0.plusSeconds(99)));
        assertEquals(List.of(otherPatient), tracker.complete(T0.plusSeconds(100)));
        assertEquals(java.util.Set.of(otherPatient), tracker.openStudies().keySet());
    }

    @Test
    void aSealedStudyThatReceivesMoreStartsOverWithNewTimes() {
        tracker.arrived(study, T0);
        tracker.sealed(study);
        tracker.arrived(study, T0.plus(Duration.ofMinutes(100))); // part 2: maxOpen must not count from part 1's start
        assertEquals(List.of(), tracker.complete(T0.plus(Duration.ofMinutes(100)).plusSeconds(59)));
        assertEquals(new StudyCompletionTracker.OpenStudy(T0.plus(Duration.ofMinutes(100)), T0.plus(Duration.ofMinutes(100))),
                tracker.openStudies().get(study));
    }

    @Test
    void aClockSetBackNeverCompletesAStudyEarly() {
        tracker.arrived(study, T0.plusSeconds(600));
        assertEquals(List.of(), tracker.complete(T0), "now before the last arrival (the clock was corrected)");
        assertFalse(tracker.forcedByMaxOpen(new StudyKey("DEFAULT", "E9", "I9"), T0), "an unknown study is not forced");
    }
}
