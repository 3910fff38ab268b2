package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PathSegmentTest {
    @Test
    void plainIdentifiersStayReadable() {
        assertEquals("MRN-12345.6", PathSegment.encode("MRN-12345.6"));
    }

    @Test
    void separatorsDotsAndSpecialCharactersCannotFormAPath() {
        assertEquals("..%2F..%2Fetc", PathSegment.encode("../../etc"));
        assertEquals("%2E%2E", PathSegment.encode(".."));
        assertEquals("%2E", PathSegment.encode("."));
        assertEquals("a%5Cb%00c", PathSegment.encode("a\\b\0c"));
        assertEquals("_", PathSegment.encode(""));
        assertEquals("%5F", PathSegment.encode("_"), "an underscore cannot collide with the empty value");
        assertEquals("%E5%B1%B1%E7%94%B0", PathSegment.encode("山田"));
    }

    @Test
    void longValuesAreCutAndDisambiguated() {
        String a = PathSegment.encode("山".repeat(64));
        String b = PathSegment.encode("山".repeat(63) + "川");
        assertTrue(a.length() <= 120, a);
        assertNotEquals(a, b);
    }

    @Test
    void layoutRefusesUidsThatEscape() {
        SpoolLayout layout = new SpoolLayout(Path.of("/spool"));
        assertEquals(Path.of("/spool/incoming/DEFAULT/P1/1.2/1.2.3/1.2.3.4.dcm"),
                layout.instancePath("DEFAULT", "P1", "1.2", "1.2.3", "1.2.3.4"));
        assertThrows(IllegalArgumentException.class, () -> layout.instancePath("DEFAULT", "P1", "..", "..", "x"));
    }
}
