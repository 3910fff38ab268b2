package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inventory (status, the console's /api/status) walks the spool while the running gateway seals studies and
 * moves their directories away; an entry vanishing under the walk must not fail the answer (it did: a console polling
 * /api/status every few seconds met sporadic 500s "cannot answer: java.nio.file.NoSuchFileException").
 */
class InventoryWhileSealingTest {
    @TempDir
    Path work;

    @Test
    void directoriesVanishingDuringTheWalkDoNotFailTheInventory() throws Exception {
        SpoolLayout layout = new SpoolLayout(work);
        Path steady = layout.incoming().resolve("c/steady/i/se");
        Files.createDirectories(steady);
        Files.write(steady.resolve("1.dcm"), new byte[0]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread sealer = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                try {
                    Path series = layout.incoming().resolve("c/e" + (n % 20) + "/i/se");
                    Files.createDirectories(series);
                    Files.write(series.resolve("x.dcm"), new byte[0]);
                    Files.delete(series.resolve("x.dcm"));
                    Files.delete(series);
                    Files.delete(series.getParent());
                    Files.delete(series.getParent().getParent());
                } catch (Exception e) {
                    // a lost race with ourselves is fine; the walk is what is tested
                }
            }
        });
        sealer.start();
        int failures = 0;
        String first = null;
        try {
            for (int round = 0; round < 400; round++) {
                try {
                    SpoolInventory.of(layout, Instant.now());
                } catch (Exception e) {
                    failures++;
                    first = first == null ? e.toString() : first;
                }
            }
        } finally {
            stop.set(true);
            sealer.join();
        }
        assertEquals(0, failures, "inventories failed while directories came and went, first: " + first);
    }
}
