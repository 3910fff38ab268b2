package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the console reads from receive stays bounded: 60 minutes of counts, 100 associations, whatever the traffic. */
class ConsoleRingsTest {
    @Test
    void perMinuteCountsKeepTheLastHourAndForgetOlderMinutes() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:30Z"));
        MinuteCounts counts = new MinuteCounts(clock);
        counts.instance();
        counts.bytes(100);
        clock.advance(Duration.ofMinutes(1));
        counts.instance();
        counts.instance();
        List<MinuteCounts.Minute> hour = counts.lastHour();
        assertEquals(60, hour.size());
        assertEquals(new MinuteCounts.Minute(Instant.parse("2026-12-01T10:01:00Z").getEpochSecond(), 2, 0), hour.get(59));
        assertEquals(new MinuteCounts.Minute(Instant.parse("2026-12-01T10:00:00Z").getEpochSecond(), 1, 100), hour.get(58));
        clock.advance(Duration.ofMinutes(59)); // 10:00 is now 60 minutes ago: gone, though its slot was never reused
        hour = counts.lastHour();
        assertEquals(60, hour.size());
        assertEquals(2, hour.stream().mapToLong(MinuteCounts.Minute::instances).sum(), hour.toString());
        clock.advance(Duration.ofMinutes(60));
        counts.instance(); // reuses 10:01's slot: its old counts must not add up
        assertEquals(1, counts.lastHour().stream().mapToLong(MinuteCounts.Minute::instances).sum());
    }

    @Test
    void recentAssociationsHoldTheLastHundredNewestFirst() {
        RecentAssociations recent = new RecentAssociations();
        for (long id = 1; id <= 250; id++) {
            recent.add(new AssociationSummary(id, "CT01", "GW", "127.0.0.1:1", 1, 0, 10, Instant.EPOCH, 5, "released"));
        }
        List<AssociationSummary> held = recent.newestFirst();
        assertEquals(RecentAssociations.CAPACITY, held.size());
        assertEquals(250, held.get(0).id());
        assertEquals(151, held.get(held.size() - 1).id());
    }
}
