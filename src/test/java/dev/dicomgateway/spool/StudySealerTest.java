package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.ManualClock;
import dev.dicomgateway.testing.TestSpool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seal state machine on a real spool, driven by a clock the test moves: instances go through the stager as the
 * receive stage hands them over, and the sealer runs when the test says, never by itself.
 */
class StudySealerTest {
    private static final Instant T0 = Instant.parse("2031-03-04T05:06:07Z");
    private static final String[] TIMES = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "60s", "DICOM_GATEWAY_STUDY_MAXOPEN", "3m"};

    @TempDir
    Path work;
    private final ManualClock clock = new ManualClock(T0);

    private List<String> sealAt(TestSpool spool, Instant time) throws Exception {
        clock.set(time);
        return spool.spool().sealer().sealCompleteStudies();
    }

    private static void stage(TestSpool spool, int corpusIndex) throws Exception {
        spool.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(corpusIndex)));
    }

    @Test
    void aStudyIsSealedWhenItHasBeenQuietForStableAfterAndNotOneMillisecondEarlier() throws Exception {
        TestSpool spool = TestSpool.open(work, clock, TIMES);
        stage(spool, 0);
        clock.advance(Duration.ofSeconds(10));
        stage(spool, 1);

        assertEquals(List.of(), sealAt(spool, T0.plusSeconds(70).minusMillis(1)), "59.999 s after the last instance");
        assertEquals(2, spool.incoming().size(), "both instances still open in incoming/");
        assertEquals(Map.of(), spool.batches());

        List<String> sealed = sealAt(spool, T0.plusSeconds(70));
        assertEquals(1, sealed.size(), "sealed at exactly stableAfter after the last instance: " + sealed);
        BatchManifest batch = spool.batches().get(sealed.get(0));
        assertEquals(2, batch.instances.size());
        assertEquals(1, batch.part);
        assertTrue(sealed.get(0).endsWith("_p1"), sealed.get(0));
        assertEquals(T0.plusSeconds(70).toString(), batch.sealedAt, "sealedAt is the clock's time");
        assertFalse(batch.sealedByMaxOpen);
        assertEquals(BatchState.SEALED, batch.state);
        assertEquals(List.of(), spool.incoming(), "the study's files moved out of incoming/");
        assertEquals(List.of(), sealAt(spool, T0.plusSeconds(3600)), "nothing left to seal");
    }

    @Test
    void maxOpenSealsAStudyWhoseInstancesKeepArriving() throws Exception {
        TestSpool spool = TestSpool.open(work, clock, TIMES);
        for (int i = 0; i < 6; i++) { // one every 30 s: never quiet for 60 s
            clock.set(T0.plusSeconds(30L * i));
            stage(spool, i);
            assertEquals(List.of(), sealAt(spool, T0.plusSeconds(30L * i + 29)), "open " + (30 * i + 29) + " s");
        }
        assertEquals(List.of(), sealAt(spool, T0.plus(Duration.ofMinutes(3)).minusMillis(1)), "2m59.999s after the first");
        clock.set(T0.plus(Duration.ofMinutes(3)));
        stage(spool, 6);
        List<String> sealed = sealAt(spool, T0.plus(Duration.ofMinutes(3)));
        assertEquals(1, sealed.size(), "sealed at study.maxOpen after the first instance although the last came 0 s ago");
        BatchManifest batch = spool.batches().get(sealed.get(0));
        assertTrue(batch.sealedByMaxOpen, "the manifest says why");
        assertEquals(7, batch.instances.size());
    }

    @Test
    void anInstanceArrivingAfterTheSealBecomesTheStudysNextPart() throws Exception {
        TestSpool spool = TestSpool.open(work, clock, TIMES);
        stage(spool, 0);
        stage(spool, 1);
        String first = sealAt(spool, T0.plusSeconds(60)).get(0);

        clock.set(T0.plusSeconds(100));
        stage(spool, 2); // late: the study was already sealed
        assertEquals(List.of(), sealAt(spool, T0.plusSeconds(159)), "a new open study with its own times");
        List<String> second = sealAt(spool, T0.plusSeconds(160));
        assertEquals(1, second.size(), "the late instance sealed in a batch of its own: " + second);
        Map<String, BatchManifest> batches = spool.batches();
        assertEquals(2, batches.size(), batches.keySet().toString());
        assertEquals(first.replace("_p1", "_p2"), second.get(0), "same study, next part");
        assertEquals(2, batches.get(second.get(0)).part);
        assertEquals(1, batches.get(second.get(0)).instances.size());
        assertEquals(2, batches.get(first).instances.size(), "part 1 is untouched");
        assertEquals(batches.get(first).entity, batches.get(second.get(0)).entity);
        assertEquals(batches.get(first).item, batches.get(second.get(0)).item);
    }

    @Test
    void aRestartTakesTheOpenStudysTimesFromItsFiles() throws Exception {
        TestSpool before = TestSpool.open(work, clock, TIMES);
        stage(before, 0);
        stage(before, 1);
        List<Path> files = before.incoming();
        assertEquals(2, files.size());
        // the times the files were staged at, as a gateway on the system clock would have left them
        Files.setLastModifiedTime(files.get(0), FileTime.from(T0.plusSeconds(20)));
        Files.setLastModifiedTime(files.get(1), FileTime.from(T0.plusSeconds(40)));

        clock.set(T0.plusSeconds(75)); // the restart: 35 s after the last instance
        TestSpool after = before.reopen();
        StudyCompletionTracker.OpenStudy open = after.spool().tracker().openStudies().values().stream().findFirst()
                .orElseThrow(() -> new AssertionError("the open study was forgotten by the restart"));
        assertEquals(new StudyCompletionTracker.OpenStudy(T0.plusSeconds(20), T0.plusSeconds(40)), open);
        assertEquals(List.of(), sealAt(after, T0.plusSeconds(100).minusMillis(1)), "not sealed early by the restart");
        List<String> sealed = sealAt(after, T0.plusSeconds(100));
        assertEquals(1, sealed.size(), "sealed stableAfter after the newest file, not after the restart");
        assertEquals(2, after.batches().get(sealed.get(0)).instances.size());
    }

    @Test
    void aRestartKeepsCountingMaxOpenFromTheOldestFile() throws Exception {
        TestSpool before = TestSpool.open(work, clock, TIMES);
        stage(before, 0);
        stage(before, 1);
        List<Path> files = before.incoming();
        Files.setLastModifiedTime(files.get(0), FileTime.from(T0));
        Files.setLastModifiedTime(files.get(1), FileTime.from(T0.plusSeconds(150)));

        clock.set(T0.plusSeconds(170));
        TestSpool after = before.reopen();
        clock.set(T0.plusSeconds(175));
        after.stage(TestSpool.corpusFile(TestSpool.MR_STUDY.get(2))); // still arriving after the restart
        assertEquals(List.of(), sealAt(after, T0.plusSeconds(180).minusMillis(1)));
        List<String> sealed = sealAt(after, T0.plusSeconds(180));
        assertEquals(1, sealed.size(), "study.maxOpen counts from the oldest file, not from the restart");
        BatchManifest batch = after.batches().get(sealed.get(0));
        assertTrue(batch.sealedByMaxOpen);
        assertEquals(3, batch.instances.size());
    }
}
