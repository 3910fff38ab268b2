package dev.dicomgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The audit's rules on the canned trace (see {@link SyscallTraceTest}) as it is, and with one step taken out: each
 * missing fsync is found and named with its path.
 */
class DurabilityAuditTest {
    private static final List<Path> ROOTS = List.of(Path.of("/s/spool"), Path.of("/s/bucket"), Path.of("/s/metadata"));
    private static final List<Path> STAGING = List.of(Path.of("/s/spool/incoming"), Path.of("/s/spool/quarantine"));

    @Test
    void theCannedTraceAcknowledgesOnlyWhatIsDurableAndDeliversDurably() throws Exception {
        DurabilityAudit audit = audit(line -> true);
        List<DurabilityAudit.Acknowledgement> acks = audit.acknowledgements(STAGING);
        assertEquals(2, acks.size());
        assertEquals("2.25.22220001.1", acks.get(0).response().sopInstanceUid());
        assertEquals("/s/spool/incoming/DEFAULT/EK76/IBLM/2.25.1100/2.25.4242.dcm",
                acks.get(0).staging().orElseThrow().placement().orElseThrow().target());
        assertTrue(acks.get(1).staging().isEmpty(), "the refused instance was staged nowhere");
        assertEquals(List.of(), audit.unprovenAcknowledgements(STAGING), "a refusal needs no durable file");
        assertEquals(List.of(), audit.unsyncedPlacements());
        assertEquals(5, audit.placements().size(), "staged file, study.key, manifest, object, NDJSON");
    }

    @Test
    void theCannedTraceHasTheSpoolsTwoKindsOfNewEntryWithoutTheirParentsFsync() throws Exception {
        List<String> problems = audit(line -> true).unsyncedNewEntries();
        assertEquals(2, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("/s/spool/batches/B2: new directory (mkdir, line 25, thread 1980,"), problems.get(0));
        assertTrue(problems.get(0).endsWith("its parent /s/spool/batches was not fsynced before the thread's next step"
                + " (rename, line 29, thread 1980, 13:04:14.100400)"), problems.get(0));
        assertTrue(problems.get(1).startsWith("/s/spool/private/lookup.tsv: file created in place (openat, line 32"), problems.get(1));
        assertTrue(problems.get(1).endsWith("its directory /s/spool/private was not fsynced afterwards on that thread at all"),
                problems.get(1));
    }

    @Test
    void aSuccessBeforeTheInstanceFileIsFsyncedIsFound() throws Exception {
        List<String> problems = audit(line -> !line.contains("fsync(163</s/spool/tmp/rx-1923-2.part.deid>")
                && !line.contains("<... fsync resumed>")).unprovenAcknowledgements(STAGING);
        assertEquals(List.of("/s/spool/incoming/DEFAULT/EK76/IBLM/2.25.1100/2.25.4242.dcm: C-STORE-RSP Success for SOP "
                + "2.25.22220001.1 (line 20, thread 1967, 13:04:13.379000) but /s/spool/tmp/rx-1923-2.part.deid was renamed"
                + " into place (line 16, thread 1967, 13:04:13.378480) without an fsync after its last write (line 10,"
                + " thread 1967, 13:04:13.342039)"), problems);
    }

    @Test
    void aSuccessBeforeTheDirectoryIsFsyncedIsFound() throws Exception {
        DurabilityAudit audit = audit(line -> !line.contains("fsync(164</s/spool/incoming/DEFAULT/EK76/IBLM/2.25.1100>"));
        List<String> problems = audit.unprovenAcknowledgements(STAGING);
        assertEquals(1, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("2.25.4242.dcm: C-STORE-RSP Success for SOP 2.25.22220001.1")
                && problems.get(0).contains("without an fsync of its directory /s/spool/incoming/DEFAULT/EK76/IBLM/2.25.1100"
                + " between its rename"), problems.get(0));
        assertTrue(audit.unsyncedPlacements().get(0).contains("before the thread's next step (write, line 21"),
                "a socket write with a response is a step: " + audit.unsyncedPlacements());
    }

    @Test
    void aSuccessWithNoStagedFileIsFound() throws Exception {
        List<String> problems = audit(line -> !line.contains("rename(\"/s/spool/tmp/rx-1923-2.part.deid\""))
                .unprovenAcknowledgements(STAGING);
        assertEquals(1, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("follows no rename of a .dcm into"), problems.get(0));
    }

    @Test
    void deliveryWritesWithoutTheirFsyncsAreFound() throws Exception {
        assertEquals(List.of("/s/spool/batches/B1/manifest.json: /s/spool/batches/B1/.manifest.json.tmp was renamed into"
                        + " place (line 34, thread 1990, 13:04:14.200400) without an fsync after its last write (line 31,"
                        + " thread 1990, 13:04:14.200000)"),
                audit(line -> !line.contains("fsync(155</s/spool/batches/B1/.manifest.json.tmp>")).unsyncedPlacements());
        assertEquals(List.of("/s/metadata/B1.ndjson: renameat into place (line 50, thread 1990, 13:04:14.400200) but its"
                        + " directory /s/metadata was not fsynced afterwards on that thread at all"),
                audit(line -> !line.contains("fsync(8</s/metadata>)")).unsyncedPlacements());
        List<String> object = audit(line -> !line.contains("fsync(156</s/bucket/EK76/.EK76_IBLM.tar.gz.part>)"))
                .unsyncedPlacements();
        assertEquals(1, object.size(), String.join("\n", object));
        assertTrue(object.get(0).startsWith("/s/bucket/EK76/EK76_IBLM.tar.gz: /s/bucket/EK76/.EK76_IBLM.tar.gz.part was"
                + " linked into place"), object.get(0));
    }

    private static DurabilityAudit audit(Predicate<String> keep) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(SyscallTraceTest.CANNED, StandardCharsets.ISO_8859_1)) {
            if (keep.test(line)) {
                lines.add(line);
            }
        }
        return new DurabilityAudit(SyscallTrace.parse(lines), ROOTS);
    }
}
