package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.ScratchFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-identification table on a full disk: a row that does not fit is an error (so the instance is not
 * acknowledged), never a row cut short in silence — write(2) stores what fits and reports success — and the table
 * keeps every whole row it had, so the next row lands on a line of its own once there is room.
 */
class LookupTableFullDiskTest {
    @TempDir
    Path work;

    @Test
    void aRowThatDoesNotFitFailsAndLeavesTheTableWhole() throws Exception {
        try (ScratchFileSystem fs = ScratchFileSystem.mount(work.resolve("fs"), "size=1m")) {
            Path privateArea = fs.root().resolve("private");
            LookupTable table = LookupTable.open(privateArea, Clock.systemUTC());
            Path file = privateArea.resolve(LookupTable.FILE_NAME);
            int study = 0;
            while (Files.size(file) < 4096 - 400) { // rows within the table's first page: they need no new block
                table.recordStudy("E" + study, "I" + study, "2.25." + study, "PAT" + study, "", "ACC" + study, "1.2." + study);
                study++;
            }
            long before = Files.size(file);
            Path filler = fs.fillLeaving(0);
            String longId = "X".repeat(600); // the row crosses into the next page, which no longer exists
            IOException full = assertThrows(IOException.class,
                    () -> table.recordStudy("E-LONG", "I-LONG", "2.25.9", longId, "", "", "1.2.9"));
            assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
            assertEquals(before, Files.size(file), "nothing of the row that did not fit");
            for (int i = 0; i < study; i++) {
                assertEquals(1, LookupTable.find(privateArea, "I" + i).size(), "earlier row " + i + " is whole");
            }

            Files.delete(filler);
            table.recordStudy("E-LONG", "I-LONG", "2.25.9", longId, "", "", "1.2.9");
            List<LookupTable.Row> rows = LookupTable.find(privateArea, "I-LONG");
            assertEquals(1, rows.size(), "recorded once there is room");
            assertEquals(longId, rows.get(0).patientId());
            assertEquals(1, LookupTable.find(privateArea, "I" + (study - 1)).size(), "the row before it is intact");
        }
    }
}
