package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AE titles are whatever 16 bytes a peer sends: in a log line they are escaped (one event stays one line), and in
 * a staged file's meta header (0002,0016) they become a valid AE value.
 */
class AeTitlesFromTheWireTest {
    private static final String HOSTILE_AE = "A\nB\u001BC\u0000D\u007FE\\F";

    @TempDir
    Path spool;

    @Test
    void controlCharactersInTheCallingAeTitleAreEscapedInLogsAndReplacedInTheFileMeta() throws Exception {
        String log;
        try (LogCapture capture = new LogCapture();
             Gateway gateway = TestGateway.startPassthrough(spool)) {
            try (RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, HOSTILE_AE)) {
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.50")));
                scu.send(RawScu.pData(false, true, DataSets.ct("1.2.3.50", "P1", "1.2.3.4.5", "1.2.3.4.5.6", 500)));
                assertEquals(0x0000, RawScu.status(RawScu.pdvData(scu.read().body())));
                scu.send(RawScu.releaseRequest());
                assertEquals(0x06, scu.read().type());
            }
            try (RawScu scu = RawScu.connect(gateway.dicomPort())) {
                scu.send(RawScu.associateRequest("EVIL\nCALLED", "X", RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE));
                assertEquals(0x03, scu.read().type(), "A-ASSOCIATE-RJ");
            }
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"rejected_called_ae\"} 1.0");
            log = awaitLogged(capture, "outcome=rejected_called_ae");
        }
        assertTrue(log.contains("calling_ae=A\\x0AB\\x1BC\\x00D\\x7FE\\x5CF called_ae=DICOM-GATEWAY"), log);
        assertTrue(log.contains("called_ae=EVIL\\x0ACALLED"), log);
        assertFalse(log.contains("A\nB") || log.contains("EVIL\n"), "a forged log line");
        assertFalse(log.contains("\u001B") || log.contains("\u0000") || log.contains("\u007F"), "raw control bytes in the log");

        Path staged;
        try (Stream<Path> files = Files.walk(spool.resolve("incoming"))) {
            staged = files.filter(p -> p.toString().endsWith(".dcm")).findFirst().orElseThrow();
        }
        assertEquals("A_B_C_D_E_F", sourceAeTitle(staged));
    }

    private static String awaitLogged(LogCapture capture, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!capture.text().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never logged " + text + ":\n" + capture.text());
            }
            Thread.sleep(20);
        }
        return capture.text();
    }

    /** (0002,0016) of a Part 10 file, read without the gateway's code; its bytes must all be valid for VR AE. */
    private static String sourceAeTitle(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.position(132);
        while (buffer.remaining() >= 8 && buffer.getShort(buffer.position()) == 0x0002) {
            buffer.getShort();
            int element = buffer.getShort() & 0xFFFF;
            String vr = new String(bytes, buffer.position(), 2, StandardCharsets.US_ASCII);
            buffer.position(buffer.position() + 2);
            int length;
            if (vr.equals("OB") || vr.equals("OW") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT")) {
                buffer.getShort();
                length = buffer.getInt();
            } else {
                length = buffer.getShort() & 0xFFFF;
            }
            if (element == 0x0016) {
                assertEquals("AE", vr);
                assertTrue(length <= 16, "AE longer than 16 bytes");
                for (int i = 0; i < length; i++) {
                    byte b = bytes[buffer.position() + i];
                    assertTrue(b >= 0x20 && b < 0x7F && b != '\\', "byte 0x" + Integer.toHexString(b & 0xFF) + " in AE");
                }
                return new String(bytes, buffer.position(), length, StandardCharsets.US_ASCII).strip();
            }
            buffer.position(buffer.position() + length);
        }
        throw new AssertionError("no (0002,0016) in " + file);
    }
}
