package dev.dicomgateway.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.SyscallTrace.Call;
import dev.dicomgateway.testing.SyscallTrace.Placement;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading strace -f -tt -yy -x output: a canned snippet cut from a real trace of the gateway (paths shortened). */
class SyscallTraceTest {
    static final Path CANNED = Path.of("src/test/resources/strace/stage-and-deliver.txt");

    @Test
    void joinsUnfinishedAndResumedHalvesInTheOrderCallsStarted() throws Exception {
        SyscallTrace trace = SyscallTrace.read(CANNED);
        Call fsync = callAt(trace, 12);
        assertEquals("fsync", fsync.name());
        assertEquals(1967, fsync.thread());
        assertEquals("13:04:13.365393", fsync.time());
        assertEquals("0", fsync.result(), "the result is on the resumed line 14");
        assertEquals(Optional.of("/s/spool/tmp/rx-1923-2.part.deid"), fsync.synced());
        Call mkdir = callAt(trace, 13);
        assertEquals(1968, mkdir.thread(), "another thread's call between the halves keeps its place");
        assertFalse(mkdir.succeeded(), "EEXIST");
        Call open = callAt(trace, 4);
        assertEquals("163</s/spool/tmp/rx-1923-2.part>", open.result());
        assertEquals(Optional.of("/s/spool/tmp/rx-1923-2.part"), open.fileOpenedToCreate());
        assertTrue(trace.calls().stream().noneMatch(c -> c.line() == 2 || c.line() == 3), "signal and resumed lines are no calls");
        Call neverResumed = trace.calls().get(trace.calls().size() - 1);
        assertEquals("?", neverResumed.result());
        assertFalse(neverResumed.succeeded());
    }

    @Test
    void readsWhatEachCallDidToTheFileSystem() throws Exception {
        SyscallTrace trace = SyscallTrace.read(CANNED);
        assertEquals(Optional.of(new Placement("rename", "/s/spool/tmp/rx-1923-2.part.deid",
                "/s/spool/incoming/DEFAULT/EK76/IBLM/2.25.1100/2.25.4242.dcm")), callAt(trace, 18).placement());
        assertEquals(Optional.of(new Placement("renameat", "/s/metadata/.B1.ndjson.tmp", "/s/metadata/B1.ndjson")),
                callAt(trace, 50).placement(), "renameat: relative names resolved against their directory descriptors");
        assertEquals(Optional.of(new Placement("link", "/s/bucket/EK76/.EK76_IBLM.tar.gz.part",
                "/s/bucket/EK76/EK76_IBLM.tar.gz")), callAt(trace, 45).placement());
        assertEquals(Optional.of("/s/spool/tmp/rx-1923-2.part.deid"), callAt(trace, 10).written(), "sendfile writes its first fd");
        assertEquals(Optional.of("/s/metadata/.B1.ndjson.tmp"), callAt(trace, 49).synced(), "fdatasync");
        assertEquals(Optional.of("/s/spool/batches/B2"), callAt(trace, 25).directoryMade());
        assertEquals(Optional.of("/s/bucket/EK76/.EK76_IBLM.tar.gz.part"), callAt(trace, 46).removed());
        assertArrayEquals("DEFAULT\nEK76\nIBLM\n1".getBytes(), callAt(trace, 27).data().orElseThrow(), "escapes decoded");
        assertArrayEquals("{\n  \"state\" : \"PACKAGED\"\n}".getBytes(), callAt(trace, 31).data().orElseThrow());
    }

    @Test
    void findsTheStoreResponsesInWhatWasWrittenToSockets() throws Exception {
        SyscallTrace trace = SyscallTrace.read(CANNED);
        Call success = callAt(trace, 22);
        assertEquals(Optional.of("TCPv6:[[::ffff:127.0.0.1]:42041->[::ffff:127.0.0.1]:41728]"), success.written(),
                "the '->' inside a socket's description does not end it");
        assertEquals(Optional.of(new CStoreResponse(1, 0x0000, "2.25.22220001.1")),
                success.data().flatMap(CStoreResponse::decode));
        assertEquals(Optional.of(new CStoreResponse(1, 0xA700, "2.25.22220001.2")),
                callAt(trace, 24).data().flatMap(CStoreResponse::decode));
        assertEquals(Optional.empty(), callAt(trace, 1).data().flatMap(CStoreResponse::decode), "an A-ASSOCIATE-AC is none");
    }

    @Test
    void refusesLinesItCannotRead() {
        IllegalArgumentException noThread = assertThrows(IllegalArgumentException.class,
                () -> SyscallTrace.parse(List.of("fsync(3</x>) = 0")));
        assertTrue(noThread.getMessage().contains("-f"), noThread.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyscallTrace.parse(List.of("12 <... fsync resumed>) = 0")));
        assertThrows(IllegalArgumentException.class, () -> SyscallTrace.parse(List.of("12 fsync(3</x>")));
        Call cutShort = SyscallTrace.parse(List.of("12 write(5<TCP:[1]>, \"\\x04\\x00\"..., 300) = 300")).calls().get(0);
        assertEquals(Optional.empty(), cutShort.data(), "a buffer strace cut short (-s) is no data");
    }

    private static Call callAt(SyscallTrace trace, int line) {
        return trace.calls().stream().filter(c -> c.line() == line).findFirst()
                .orElseThrow(() -> new AssertionError("no call starts on line " + line));
    }
}
