package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.dicom.TransferSyntax;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: no input makes the gateway write unbounded output. A deflated data set of zeros once made PixelMed print
 * 7.8 MB (from 1 KB) and 10.8 GB (from 1.58 MB) to standard error. The gateway runs as a process of its own, started
 * by {@link Main} as installed, and its standard output and error together are measured. (Whether PixelMed is reached
 * is not the point: a stricter reader may refuse such data first; the bound and the refusal must hold either way.)
 */
class OutputAmplificationTest {
    private static final long BOUND = 64 * 1024;

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(ints = {1_000, 100_000})
    void aDeflatedDataSetOfZerosIsRefusedWithBoundedOutput(int deflatedBytes) throws Exception {
        Path log = root.resolve("gateway.log");
        try (GatewayProcess gateway = GatewayProcess.start(root.resolve("spool"), log)) {
            gateway.httpPort(); // started completely: its start-up lines are written
            long before = Files.size(log);
            try (RawScu scu = RawScu.connect(gateway.dicomPort())) {
                scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "BOMB", RawScu.CT_IMAGE_STORAGE,
                        TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN));
                assertEquals(0x02, scu.read().type(), "A-ASSOCIATE-AC");
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.4.99")));
                byte[] dataSet = deflatedZeros(deflatedBytes);
                long started = System.nanoTime();
                for (int offset = 0; offset < dataSet.length; offset += 8192) {
                    int end = Math.min(dataSet.length, offset + 8192);
                    scu.send(RawScu.pData(false, end == dataSet.length, Arrays.copyOfRange(dataSet, offset, end)));
                }
                RawScu.Pdu answer = scu.read();
                long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertEquals(0x04, answer.type(), "a C-STORE-RSP, not an abort");
                assertNotEquals(0x0000, RawScu.status(RawScu.pdvData(answer.body())), "not Success");
                // 100 KB inflate to 100 MB that PixelMed parses for ~8 s on two cores, if the receive path lets it
                assertTrue(millis < 20_000, "answered after " + millis + " ms");
            }
            Thread.sleep(1_000); // whatever the store makes the process print afterwards counts too
            long written = Files.size(log) - before;
            assertTrue(written < BOUND, written + " bytes of output for " + deflatedBytes + " bytes of input; its start:\n"
                    + new String(Arrays.copyOfRange(Files.readAllBytes(log), (int) before, (int) before + 2000)));
        }
    }

    /** Raw deflate (no zlib header, as PS3.5 A.5 has it) of zeros, {@code size} bytes long. */
    private static byte[] deflatedZeros(int size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[64 * 1024];
        byte[] buffer = new byte[64 * 1024];
        while (out.size() < size) {
            deflater.setInput(zeros);
            int n;
            while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH)) > 0) {
                out.write(buffer, 0, n);
            }
        }
        deflater.finish();
        int n;
        while ((n = deflater.deflate(buffer)) > 0) {
            out.write(buffer, 0, n);
        }
        deflater.end();
        return out.toByteArray();
    }
}
