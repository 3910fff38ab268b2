package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dicom.maxHeaderBytes counts value bytes only: element, item and delimiter headers are free. A header region of
 * millions of zero-length elements (8 bytes each on the wire, 0 against the 64 MiB limit) passes the gate, and
 * PixelMed then builds one Attribute per element in the heap (~100+ bytes each).
 */
class HeaderMemoryTest {
    private static final String STUDY = "1.2.826.0.1.3680043.2.1125.1";
    private static final String SERIES = "1.2.826.0.1.3680043.2.1125.2";

    @TempDir
    Path root;

    /** {@code count} zero-length LO elements in private groups 0021, 0023, … (ascending, 65,280 per group). */
    static byte[] emptyPrivateElements(int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * 8);
        int group = 0x0021;
        int element = 0x1000;
        for (int i = 0; i < count; i++) {
            out.writeBytes(new byte[] {(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8), 'L', 'O', 0, 0});
            if (++element > 0xFFFF) {
                element = 0x1000;
                group += 2;
            }
        }
        return out.toByteArray();
    }

    /**
     * With the -Xmx256m the docs measure a 1 GiB instance under, 3,000,000 empty elements (24 MB sent) are either
     * refused (0xC000) or stored; afterwards the gateway must still store a normal instance.
     */
    @Test
    void millionsOfEmptyElementsDoNotExhaustTheHeap() throws Exception {
        Path spool = root.resolve("spool");
        Path log = root.resolve("gateway.log");
        byte[] dataSet = DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE).text(0x0008, 0x0018, "UI", "1.2.3.300")
                .text(0x0008, 0x0060, "CS", "CT")
                .text(0x0010, 0x0020, "LO", "PATIENT-1").text(0x0020, 0x000D, "UI", STUDY)
                .text(0x0020, 0x000E, "UI", SERIES)
                .raw(emptyPrivateElements(3_000_000))
                .pixelData(4096).toByteArray();
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false")) {
            String first;
            long started = System.nanoTime();
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                StoreCall.Answer answer = StoreCall.store(scu, 1, "1.2.3.300", dataSet);
                first = Integer.toHexString(answer.status()) + " " + answer.errorComment();
            } catch (java.io.IOException e) {
                first = "no answer: " + e.getMessage();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            long waitUntil = System.nanoTime() + 180_000_000_000L; // the big association's own log line: it has ended
            while (Files.readString(log).lines().noneMatch(l -> l.contains("bytes=240") && l.contains("outcome="))
                    && System.nanoTime() < waitUntil) {
                Thread.sleep(500);
            }
            String log1 = Files.readString(log);
            System.out.println("### first answer: " + first + " after " + millis + " ms");
            String next;
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                next = Integer.toHexString(StoreCall.store(scu, 1, "1.2.3.301",
                        DataSets.ct("1.2.3.301", "PATIENT-1", STUDY, SERIES, 4096)).status());
            } catch (java.io.IOException e) {
                next = "no answer: " + e.getMessage();
            }
            System.out.println("### next answer: " + next);
            assertTrue(!log1.contains("OutOfMemoryError"), "the gateway ran out of heap on one C-STORE: "
                    + log1.lines().filter(l -> l.contains("OutOfMemory")).findFirst().orElse(""));
            assertEquals("0", next, "a normal instance afterwards");
        }
    }
}
