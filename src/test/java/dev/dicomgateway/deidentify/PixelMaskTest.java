package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deidentify.pixelMasks: an ultrasound whose burned-in text lies where a rule says is delivered with those
 * rectangles zeroed in its pixel data (every other pixel unchanged) instead of being quarantined; one of another
 * model stays in quarantine.
 */
class PixelMaskTest {
    private static final String US_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.6.1";
    private static final int ROWS = 48;
    private static final int COLUMNS = 64;
    private static final String RULE = "ACME MEDICAL|ECHOVIEW 3000|48x64|0 0 64 8;40 40 24 8";

    @TempDir
    Path root;

    @Test
    void aMatchingUltrasoundIsMaskedAndDeliveredAnotherModelStaysInQuarantine() throws Exception {
        Path spool = root.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_PIXELMASKS", RULE,
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "500ms", "DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h");
             RawScu scu = StoreCall.associate(gateway.dicomPort(), US_IMAGE_STORAGE, RawScu.EXPLICIT_LE)) {
            assertTrue(StoreCall.store(scu, 1, US_IMAGE_STORAGE, "1.2.3.70", ultrasound("1.2.3.70", "EchoView 3000")).success());
            assertTrue(StoreCall.store(scu, 2, US_IMAGE_STORAGE, "1.2.3.71", ultrasound("1.2.3.71", "OTHER MODEL")).success());
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
        }
        List<Path> quarantined = StagedFiles.list(spool.resolve("quarantine"));
        assertEquals(1, quarantined.size(), "the other model stays in quarantine");
        List<Path> delivered = StagedFiles.list(spool.resolve("batches"));
        assertEquals(1, delivered.size(), "the masked one was sealed and delivered");
        byte[] file = Files.readAllBytes(delivered.get(0));
        byte[] pixels = Arrays.copyOfRange(file, file.length - ROWS * COLUMNS, file.length);
        byte[] expected = DataSets.pixels(ROWS * COLUMNS);
        for (int row = 0; row < ROWS; row++) {
            for (int column = 0; column < COLUMNS; column++) {
                boolean masked = row < 8 || (column >= 40 && row >= 40);
                if (masked) {
                    expected[row * COLUMNS + column] = 0;
                }
            }
        }
        assertArrayEquals(expected, pixels, "the rule's rectangles are zero, every other pixel as sent");
        assertTrue(StagedFiles.contains(file, new byte[] {0x28, 0x00, 0x01, 0x03, 'C', 'S', 2, 0, 'N', 'O'}),
                "BurnedInAnnotation=NO");
        assertTrue(StagedFiles.contains(file, "MASKED BY DEIDENTIFY.PIXELMASKS".getBytes(StandardCharsets.US_ASCII)),
                "DeidentificationMethod says it was masked");
        byte[] original = Files.readAllBytes(quarantined.get(0));
        assertArrayEquals(DataSets.pixels(ROWS * COLUMNS),
                Arrays.copyOfRange(original, original.length - ROWS * COLUMNS, original.length), "unmatched: untouched");
    }

    @Test
    void aRuleOutsideItsImageIsRefusedAtStartUpNamingTheKey() {
        ConfigException refused = assertThrows(ConfigException.class, () -> GatewayConfig.load(null,
                Map.of("DICOM_GATEWAY_DEIDENTIFY_PIXELMASKS", "ACME|X|48x64|60 0 10 8")));
        assertTrue(refused.getMessage().contains("deidentify.pixelMasks"), refused.getMessage());
    }

    private static byte[] ultrasound(String sop, String model) {
        return DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", US_IMAGE_STORAGE)
                .text(0x0008, 0x0018, "UI", sop)
                .text(0x0008, 0x0060, "CS", "US")
                .text(0x0008, 0x0070, "LO", "ACME Medical")
                .text(0x0008, 0x1090, "LO", model)
                .text(0x0010, 0x0020, "LO", "PATIENT-US")
                .text(0x0020, 0x000D, "UI", "1.2.3.72." + sop.substring(sop.length() - 2))
                .text(0x0020, 0x000E, "UI", "1.2.3.73")
                .us(0x0028, 0x0002, 1)
                .text(0x0028, 0x0004, "CS", "MONOCHROME2")
                .us(0x0028, 0x0010, ROWS)
                .us(0x0028, 0x0011, COLUMNS)
                .us(0x0028, 0x0100, 8)
                .us(0x0028, 0x0101, 8)
                .us(0x0028, 0x0102, 7)
                .us(0x0028, 0x0103, 0)
                .pixelData(ROWS * COLUMNS)
                .toByteArray();
    }
}
