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
}
