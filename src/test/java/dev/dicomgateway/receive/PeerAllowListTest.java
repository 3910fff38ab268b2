package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.config.AddressRange;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allow-list decision and its log: one line per refused address per minute at most, whatever a scanner does. */
class PeerAllowListTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T12:00:00Z"));

    @Test
    void emptyListAllowsEveryone() throws Exception {
        PeerAllowList list = new PeerAllowList(List.of(), clock);
        assertTrue(list.allows(InetAddress.getByName("203.0.113.9")));
        assertTrue(list.allows(InetAddress.getByName("2001:db8::9")));
    }

    @Test
    void allowsOnlyAddressesInOneOfItsRanges() throws Exception {
        PeerAllowList list = new PeerAllowList(List.of(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("::1")), clock);
        assertTrue(list.allows(InetAddress.getByName("10.1.2.3")));
        assertTrue(list.allows(InetAddress.getByName("::1")));
        assertFalse(list.allows(InetAddress.getByName("127.0.0.1")));
        assertFalse(list.allows(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void aRefusedAddressIsLoggedOncePerMinuteWithTheCountInBetween() throws Exception {
        PeerAllowList list = new PeerAllowList(List.of(AddressRange.parse("10.0.0.0/8")), clock);
        InetAddress scanner = InetAddress.getByName("198.51.100.7");
        InetAddress other = InetAddress.getByName("198.51.100.8");
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 1000; i++) {
                list.refused(scanner);
            }
            list.refused(other);
            assertEquals(1, lines(log, "198.51.100.7"), log.text());
            assertEquals(1, lines(log, "198.51.100.8"), "another address has its own minute:\n" + log.text());
            assertTrue(log.text().contains("dicom.allowedPeers"), "the line names the key to change:\n" + log.text());

            clock.advance(Duration.ofSeconds(59));
            list.refused(scanner);
            assertEquals(1, lines(log, "198.51.100.7"), "still within the minute:\n" + log.text());

            clock.advance(Duration.ofSeconds(1));
            list.refused(scanner);
            assertEquals(2, lines(log, "198.51.100.7"), "a minute after the first line:\n" + log.text());
            assertTrue(log.text().contains("1000 more from it"), "the refusals not logged are reported:\n" + log.text());

            clock.advance(Duration.ofMinutes(1));
            list.refused(scanner);
            assertEquals(3, lines(log, "198.51.100.7"), log.text());
            assertEquals(2, log.text().split("more from it", -1).length, "nothing unlogged since the second line");
        }
    }

    @Test
    void aScanOfManyAddressesCannotFloodTheLog() throws Exception {
        PeerAllowList list = new PeerAllowList(List.of(AddressRange.parse("10.0.0.0/8")), clock);
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 20_000; i++) {
                byte[] address = {(byte) 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) (i >> 8), (byte) i};
                list.refused(InetAddress.getByAddress(address));
            }
            int logged = lines(log, "closed before reading");
            assertTrue(logged <= 4096, "at most one line per remembered address within the minute, was " + logged);
            assertTrue(logged >= 4000, "addresses are logged until the memory is full, was " + logged);
        }
    }

    private static int lines(LogCapture log, String needle) {
        return (int) log.text().lines().filter(line -> line.contains(needle)).count();
    }
}
