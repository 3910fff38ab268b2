package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running gateway's side of the quarantine, driven with a clock: its gauges' counts follow releases and purges
 * made by another process within a minute, and deidentify.quarantine.retention is applied at once and then hourly.
 */
class QuarantineMaintenanceTest {
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path work;

    @Test
    void countsFollowOtherProcessesWithinAMinute() throws Exception {
        SpoolLayout layout = new SpoolLayout(work);
        layout.create();
        MutableClock clock = new MutableClock(START);
        Path first = stage(layout, "2.25.1", 100, START);
        stage(layout, "2.25.2", 250, START);
        Quarantine quarantine = new Quarantine(layout, clock);
        quarantine.recount();
        assertEquals(2, quarantine.instances());
        assertEquals(350, quarantine.bytes());

        Files.delete(first); // `quarantine purge` or `release` in another process
        clock.now = START.plusSeconds(30);
        quarantine.maintain(Duration.ZERO);
        assertEquals(2, quarantine.instances(), "not recounted before a minute has passed");
        clock.now = START.plusSeconds(61);
        quarantine.maintain(Duration.ZERO);
        assertEquals(1, quarantine.instances());
        assertEquals(250, quarantine.bytes());

        quarantine.added(40, false, 0); // the stager quarantined one more
        assertEquals(2, quarantine.instances());
        assertEquals(290, quarantine.bytes());
        quarantine.added(60, true, 40); // the same SOP Instance UID again
        assertEquals(2, quarantine.instances());
        assertEquals(310, quarantine.bytes());
    }

    @Test
    void retentionIsAppliedAtTheFirstCallAndThenHourly() throws Exception {
        SpoolLayout layout = new SpoolLayout(work);
        layout.create();
        MutableClock clock = new MutableClock(START);
        Path old = stage(layout, "2.25.10", 10, START.minus(Duration.ofDays(3)));
        Path young = stage(layout, "2.25.11", 10, START.minus(Duration.ofHours(1)));
        Quarantine quarantine = new Quarantine(layout, clock);
        quarantine.maintain(Duration.ofDays(2));
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(old.resolveSibling("2.25.10.reason")));
        assertTrue(Files.exists(young));
        assertEquals(1, quarantine.instances());

        clock.now = START.plus(Duration.ofMinutes(30));
        Path aged = stage(layout, "2.25.12", 10, START.minus(Duration.ofDays(5)));
        quarantine.maintain(Duration.ofDays(2));
        assertTrue(Files.exists(aged), "checked at most hourly");
        clock.now = START.plus(Duration.ofMinutes(61));
        quarantine.maintain(Duration.ofDays(2));
        assertFalse(Files.exists(aged));
        assertTrue(Files.exists(young));

        Path older = stage(layout, "2.25.13", 10, START.minus(Duration.ofDays(500)));
        clock.now = START.plus(Duration.ofHours(5));
        quarantine.maintain(Duration.ZERO);
        assertTrue(Files.exists(older), "0s keeps everything until purged");
    }

    private static Path stage(SpoolLayout layout, String sop, int bytes, Instant received) throws Exception {
        Path file = layout.quarantinePath("DEFAULT", "EAAAAAAAAAAAAA", "IAAAAAAAAAAAAA", "2.25.99", sop);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        Files.writeString(file.resolveSibling(sop + ".reason"), "modality_US\t" + received + "\n");
        Files.setLastModifiedTime(file, FileTime.from(received));
        return file;
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
