package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Headers within dicom.maxHeaderBytes (64 MiB by default) are staged by a gateway whose heap is capped at 256 MB, as
 * the file path stages them: the one-pass path may hold a header in memory, but not several copies of it.
 */
class LargeHeaderMemoryTest {
    private static final int LUT_BYTES = 56 << 20;

    @TempDir
    Path work;

    @Test
    void aHeaderOf56MiBIsStagedWithTheHeapCappedAt256MB() throws Exception {
        stageWithHeapCappedAt256MB(1);
    }

    /**
     * One pass would hold such a header twice (the received bytes while PixelMed builds its attributes from them),
     * the file path once: parsed in one pass, the second of two at once was refused — as 0xC000 "ambiguous
     * structure", a permanent refusal, because PixelMed's reading under memory pressure differs from the reader's. A
     * header above InstanceStager.ONE_PASS_HEADER_BYTES (8 MiB) therefore goes to a file and the file path.
     */
    @Test
    void twoHeadersOf56MiBAtOnceAreStagedWithTheHeapCappedAt256MB() throws Exception {
        stageWithHeapCappedAt256MB(2);
    }

    /** The control: a pixel mask rule sends every instance down the file path, which stages both under the same cap. */
    @Test
    void twoHeadersOf56MiBAtOnceAreStagedByTheFilePathWithTheHeapCappedAt256MB() throws Exception {
        stageWithHeapCappedAt256MB(2, "DICOM_GATEWAY_DEIDENTIFY_PIXELMASKS", "ACME MEDICAL|ECHOVIEW 3000|480x640|0 0 640 40");
    }

    private void stageWithHeapCappedAt256MB(int associations, String... settings) throws Exception {
        String sop = "1.2.826.0.1.3680043.10.546.1";
        byte[] dataSet = DataSets.ctHeader(sop, "LUT-PATIENT", "1.2.826.0.1.3680043.10.546.2", "1.2.826.0.1.3680043.10.546.3")
                .element(0x0028, 0x1201, "OW", new byte[LUT_BYTES]) // Red Palette Color LUT Data: kept by the profile
                .pixelData(1024).toByteArray();
        Path log = work.resolve("gateway.log");
        String[] environment = java.util.stream.Stream.concat(java.util.stream.Stream.of(
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h"), java.util.Arrays.stream(settings)).toArray(String[]::new);
        try (GatewayProcess gateway = GatewayProcess.start(work.resolve("spool"), log, environment)) { // -Xmx256m
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(associations);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < associations; i++) {
                answers.add(pool.submit(() -> {
                    try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                        return StoreCall.store(scu, 1, sop, dataSet).status();
                    }
                }));
            }
            for (java.util.concurrent.Future<Integer> answer : answers) {
                try {
                    assertEquals(0, answer.get(), Files.readString(log));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(e.getMessage() + "; gateway log:\n" + Files.readString(log), e);
                }
            }
            pool.shutdown();
        }
        assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
        assertEquals(1, dev.dicomgateway.testing.StagedFiles.under(work.resolve("spool")).size());
    }
}
