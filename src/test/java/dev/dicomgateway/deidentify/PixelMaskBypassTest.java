package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native YBR_FULL_422 (legal uncompressed, PS3.3 C.7.6.3.1.2; common for ultrasound) stores 2 bytes per pixel, not
 * SamplesPerPixel (3) x 1: PixelMask assumes rows*columns*3 bytes per frame, so from the second frame on the burned-in
 * band was not where it blanked, and the instance was delivered as masked with its text intact. Now only fully
 * sampled photometric interpretations are masked; this one stays in quarantine.
 */
class PixelMaskBypassTest {
    private static final String US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1";
    private static final int ROWS = 48;
    private static final int COLUMNS = 64;
    private static final int FRAMES = 2;
    private static final int FRAME_BYTES = ROWS * COLUMNS * 2; // YBR_FULL_422: Y1 Y2 Cb Cr per pair of pixels

    @TempDir
    Path root;

    @Test
    void nativeYbrFull422IsNotMaskedButKeptInQuarantine() throws Exception {
        Path spool = root.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_PIXELMASKS",
                "ACME MEDICAL|ECHOVIEW 3000|48x64|0 0 64 8",
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "500ms", "DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h");
             RawScu scu = StoreCall.associate(gateway.dicomPort(), US_MULTIFRAME, RawScu.EXPLICIT_LE)) {
            byte[] data = DataSets.explicitLittleEndian()
                    .text(0x0008, 0x0016, "UI", US_MULTIFRAME)
                    .text(0x0008, 0x0018, "UI", "1.2.3.90")
                    .text(0x0008, 0x0060, "CS", "US")
                    .text(0x0008, 0x0070, "LO", "ACME Medical")
                    .text(0x0008, 0x1090, "LO", "EchoView 3000")
                    .text(0x0010, 0x0020, "LO", "PATIENT-YBR")
                    .text(0x0020, 0x000D, "UI", "1.2.3.91")
                    .text(0x0020, 0x000E, "UI", "1.2.3.92")
                    .us(0x0028, 0x0002, 3)
                    .text(0x0028, 0x0004, "CS", "YBR_FULL_422")
                    .us(0x0028, 0x0006, 0)
                    .text(0x0028, 0x0008, "IS", String.valueOf(FRAMES))
                    .us(0x0028, 0x0010, ROWS)
                    .us(0x0028, 0x0011, COLUMNS)
                    .us(0x0028, 0x0100, 8)
                    .us(0x0028, 0x0101, 8)
                    .us(0x0028, 0x0102, 7)
                    .us(0x0028, 0x0103, 0)
                    .pixelData(FRAMES * FRAME_BYTES)
                    .toByteArray();
            assertTrue(StoreCall.store(scu, 1, US_MULTIFRAME, "1.2.3.90", data).success());
        }
        // whose samples are shared between pixels is not masked at all: it stays in quarantine for review
        assertEquals(1, StagedFiles.list(spool.resolve("quarantine")).size(), "kept in quarantine");
        assertEquals(List.of(), StagedFiles.list(spool.resolve("incoming")), "not staged for delivery");
        assertEquals(List.of(), StagedFiles.list(spool.resolve("batches")), "not delivered as masked");
    }
}
