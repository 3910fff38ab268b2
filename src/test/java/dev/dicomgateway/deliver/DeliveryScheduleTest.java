package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's in-memory schedule: which batches a tick takes, in which order, and what putting one back does. */
class DeliveryScheduleTest {
    private static final Instant T = Instant.parse("2031-03-04T05:06:07Z");

    @Test
    void aTickTakesOnlyTheBatchesDueOldestSealedFirstUpToItsLimit() {
        DeliverySchedule schedule = new DeliverySchedule();
        schedule.put("later", T.plusSeconds(10), T.minusSeconds(300)); // sealed first, but waiting out a backoff
        schedule.put("young", null, T.minusSeconds(10));
        schedule.put("old", T.minusSeconds(1), T.minusSeconds(100));
        schedule.put("middle", T, T.minusSeconds(50));
        assertEquals(List.of("old", "middle"), schedule.take(T, 2), "due now (or at once), oldest sealed first");
        assertEquals(List.of("young"), schedule.take(T, 2), "the third due batch at the next tick");
        assertEquals(List.of(), schedule.take(T.plusMillis(9_999), 2), "nothing else due before its time");
        assertEquals(1, schedule.size());
        assertEquals(List.of("later"), schedule.take(T.plusSeconds(10), 2));
        assertEquals(0, schedule.size(), "taken batches are out of the schedule until they are put back");
    }

    @Test
    void puttingABatchBackReplacesItsTimeAndRemovingItForgetsIt() {
        DeliverySchedule schedule = new DeliverySchedule();
        schedule.put("a", T, T.minusSeconds(10));
        schedule.put("b", T, T.minusSeconds(5));
        schedule.put("a", T.plusSeconds(60), T.minusSeconds(10)); // its attempt failed: retried in a minute
        assertEquals(List.of("b"), schedule.take(T, 5));
        schedule.put("b", T.plusSeconds(1), T.minusSeconds(5));
        schedule.remove("b"); // failed permanently, or delivered and gone
        assertEquals(List.of("a"), schedule.take(T.plusSeconds(60), 5));
        assertEquals(0, schedule.size());
    }

    @Test
    void aBatchDueAgainWhileOthersWaitIsTakenOnce() {
        DeliverySchedule schedule = new DeliverySchedule();
        for (int i = 0; i < 10_000; i++) {
            schedule.put("waiting" + i, T.plusSeconds(3600 + i), T.minusSeconds(i));
        }
        schedule.put("due", T, T);
        assertEquals(List.of("due"), schedule.take(T, 4));
        assertEquals(List.of(), schedule.take(T, 4));
        assertEquals(10_000, schedule.size());
    }
}
