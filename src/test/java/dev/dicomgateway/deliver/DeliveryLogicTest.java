package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backoff, object names, archive determinism and streaming: the pure parts of delivery. */
class DeliveryLogicTest {
    @TempDir
    Path dir;

    @Test
    void backoffGrowsWithJitterUpToMaxDelayAndRetriesForeverByDefault() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(10), Duration.ofMinutes(30), 0, new Random(7));
        for (int attempt = 1; attempt <= 20; attempt++) {
            long ceiling = Math.min(30 * 60_000L, 10_000L << Math.min(attempt - 1, 30));
            long delay = schedule.delayAfter(attempt).toMillis();
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "attempt " + attempt + ": " + delay);
        }
        assertFalse(schedule.exhausted(1_000_000));
        assertTrue(new RetrySchedule(Duration.ofSeconds(1), Duration.ofSeconds(2), 3, new Random()).exhausted(3));
    }

    @Test
    void defaultTemplateGivesSenditNames() {
        ObjectNameTemplate template = ObjectNameTemplate.forArchives("Collection/{collection}/Entity/{entity}/{entity}_{studyDate}_{item}{part}.tar.gz");
        Map<String, String> values = Map.of("collection", "IRB1", "entity", "EABC", "studyDate", "20240102", "item", "IXYZ",
                "part", ObjectNameTemplate.partSuffix(1));
        assertEquals("Collection/IRB1/Entity/EABC/EABC_20240102_IXYZ.tar.gz", template.render(values));
        assertEquals("_p2", ObjectNameTemplate.partSuffix(2));
    }

    @Test
    void aLaterVersionOfAnInstanceNeverTakesTheFirstVersionsName() {
        Map<String, String> values = Map.of("entity", "EABC", "series", "2.25.1", "sop", "2.25.2");
        ObjectNameTemplate placed = ObjectNameTemplate.forInstances("E/{entity}/{series}/{sop}{version}.dcm");
        assertEquals("E/EABC/2.25.1/2.25.2.dcm", placed.renderInstance(values, 1));
        assertEquals("E/EABC/2.25.1/2.25.2_v2.dcm", placed.renderInstance(values, 2));
        ObjectNameTemplate without = ObjectNameTemplate.forInstances("E/{entity}/{series}/{sop}.dcm"); // a site's older template
        assertEquals("E/EABC/2.25.1/2.25.2.dcm", without.renderInstance(values, 1));
        assertEquals("E/EABC/2.25.1/2.25.2_v3.dcm", without.renderInstance(values, 3));
        assertEquals("E/EABC.d/2.25.2_v2", ObjectNameTemplate.forInstances("E/{entity}.d/{sop}").renderInstance(values, 2),
                "no extension in the last segment: the suffix goes at the end");
    }

    @Test
    void sameBatchAlwaysPackagesToTheSameBytes() throws Exception {
        Path a = Files.write(dir.resolve("a.dcm"), new byte[] {1, 2, 3});
        Path b = Files.write(dir.resolve("b.dcm"), new byte[700]);
        List<StudyArchive.Member> members = List.of(new StudyArchive.Member("1.2/a.dcm", a), new StudyArchive.Member("1.2/b.dcm", b));
        Checksums first = StudyArchive.write(members, dir.resolve("one.tar.gz"), 6);
        Files.setLastModifiedTime(a, java.nio.file.attribute.FileTime.fromMillis(0)); // file times must not matter
        Checksums second = StudyArchive.write(members, dir.resolve("two.tar.gz"), 6);
        assertEquals(first, second);
        assertEquals(Files.size(dir.resolve("one.tar.gz")), first.size());
        assertEquals(first, Checksums.of(dir.resolve("two.tar.gz")), "checksums computed while writing match the file");
    }

    @Test
    void theChecksumPassAndTheStreamedArchiveAgreeWithoutAFileOnTheSpool() throws Exception {
        Path a = Files.write(dir.resolve("a.dcm"), new byte[] {1, 2, 3});
        byte[] noise = new byte[300_000];
        new Random(3).nextBytes(noise);
        Path b = Files.write(dir.resolve("b.dcm"), noise);
        List<StudyArchive.Member> members = List.of(new StudyArchive.Member("1.2/a.dcm", a), new StudyArchive.Member("1.2/b.dcm", b));
        Checksums packaged = StudyArchive.checksums(members, 1);
        Checksums onDisk = StudyArchive.write(members, dir.resolve("reference.tar.gz"), 1);
        assertEquals(onDisk, packaged, "the digest-only pass gives the checksums of the real bytes");
        java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
        ObjectContent.ofArchive("test archive", members, 1, packaged).writeTo(streamed);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(dir.resolve("reference.tar.gz")),
                streamed.toByteArray(), "generated again byte for byte");
    }

    @Test
    void contentThatChangedSincePackagingIsNeverFinishedAsAnObject() throws Exception {
        Path a = Files.write(dir.resolve("a.dcm"), new byte[] {1, 2, 3});
        List<StudyArchive.Member> members = List.of(new StudyArchive.Member("1.2/a.dcm", a));
        Checksums packaged = StudyArchive.checksums(members, 1);
        Files.write(a, new byte[] {1, 2, 4}); // same size, other bytes
        Path bucket = dir.resolve("bucket");
        LocalDirectoryStore store = new LocalDirectoryStore(bucket);
        ContentChangedException changed = org.junit.jupiter.api.Assertions.assertThrows(ContentChangedException.class,
                () -> store.put("x/y.tar.gz", ObjectContent.ofArchive("the archive of x", members, 1, packaged), Map.of()));
        assertTrue(changed.getMessage().startsWith("the archive of x is not what was packaged"), changed.getMessage());
        try (java.util.stream.Stream<Path> left = Files.walk(bucket)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "no object and no .part left");
        }
        Checksums again = StudyArchive.checksums(members, 1);
        assertTrue(store.put("x/y.tar.gz", ObjectContent.ofArchive("the archive of x", members, 1, again), Map.of())
                .endsWith("x/y.tar.gz"), "packaged again, it is stored");
        assertEquals(again, Checksums.of(bucket.resolve("x/y.tar.gz")));
    }

    @Test
    void longMemberNamesUseTheUstarPrefix() throws Exception {
        String series = "1.2.840.113619.2.55.3.604688119.969.1268071029.320.4.1234567890123456789012345";
        String name = series + "/1.2.840.113619.2.55.3.604688119.969.1268071029.320.4.99999999.dcm";
        Path file = Files.write(dir.resolve("x.dcm"), new byte[] {9});
        StudyArchive.write(List.of(new StudyArchive.Member(name, file)), dir.resolve("long.tar.gz"), 1);
        dev.dicomgateway.testing.Dcmtk.Result listing = dev.dicomgateway.testing.Dcmtk.run(
                List.of("tar", "tzf", dir.resolve("long.tar.gz").toString()));
        assertEquals(name, listing.output().trim(), "GNU tar reads the full name back");
    }
}
