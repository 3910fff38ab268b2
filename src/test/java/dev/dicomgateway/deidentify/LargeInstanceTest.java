package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.StagedFiles;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-identification streams: a 1 GiB multi-frame instance is received, de-identified and staged by a gateway whose
 * heap is capped at 256 MB, with its pixel data intact.
 */
class LargeInstanceTest {
    private static final int FRAMES = 512;
    private static final int FRAME_BYTES = 1024 * 1024 * 2;
    private static final long PIXEL_BYTES = (long) FRAMES * FRAME_BYTES; // 1 GiB
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2.1"; // Enhanced CT (multi-frame)

    @TempDir
    Path work;

    @Test
    void oneGibibyteInstanceIsDeidentifiedWithTheHeapCappedAt256MB() throws Exception {
        Path source = work.resolve("big.dcm");
        String sop = "1.2.826.0.1.3680043.10.545.1";
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(source), 1 << 20)) {
            out.write(new FileMetaInformation(CT, sop, "1.2.840.10008.1.2.1", "TEST").encode());
            byte[] header = DataSets.explicitLittleEndian()
                    .text(0x0008, 0x0016, "UI", CT)
                    .text(0x0008, 0x0018, "UI", sop)
                    .text(0x0008, 0x0060, "CS", "CT")
                    .text(0x0010, 0x0010, "PN", "Large^Patient")
                    .text(0x0010, 0x0020, "LO", "BIG-PATIENT-1")
                    .text(0x0020, 0x000D, "UI", "1.2.826.0.1.3680043.10.545.2")
                    .text(0x0020, 0x000E, "UI", "1.2.826.0.1.3680043.10.545.3")
                    .us(0x0028, 0x0002, 1)
                    .text(0x0028, 0x0004, "CS", "MONOCHROME2")
                    .text(0x0028, 0x0008, "IS", String.valueOf(FRAMES))
                    .us(0x0028, 0x0010, 1024)
                    .us(0x0028, 0x0011, 1024)
                    .us(0x0028, 0x0100, 16)
                    .us(0x0028, 0x0101, 16)
                    .us(0x0028, 0x0102, 15)
                    .us(0x0028, 0x0103, 0)
                    .toByteArray();
            out.write(header);
            out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0});
            out.write(new byte[] {(byte) PIXEL_BYTES, (byte) (PIXEL_BYTES >>> 8), (byte) (PIXEL_BYTES >>> 16), (byte) (PIXEL_BYTES >>> 24)});
            byte[] frame = new byte[FRAME_BYTES];
            for (int f = 0; f < FRAMES; f++) {
                java.util.Arrays.fill(frame, (byte) f);
                frame[f] = (byte) 0xA5;
                out.write(frame);
            }
        }
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        long started = System.nanoTime();
        String[] slowToSeal = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1h"};
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, slowToSeal)) { // -Xmx256m, de-identification on
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), "DICOM-GATEWAY", "-xe", List.of(source));
            assertEquals(List.of(source), report.stored(), report.result().output() + Files.readString(log));
        }
        System.out.printf("1 GiB instance received and de-identified in %.1f s%n", (System.nanoTime() - started) / 1e9);
        List<Path> staged = StagedFiles.under(spool);
        assertEquals(1, staged.size());
        long element = 12 + PIXEL_BYTES; // the pixel data element closes both files
        String pixels = tailDigest(source, element);
        assertEquals(pixels, tailDigest(staged.get(0), element), "pixel data byte-identical");
        assertFalse(StagedFiles.contains(Files.readAllBytes(headOf(staged.get(0))), "BIG-PATIENT-1".getBytes()));
        Files.delete(source);

        // the same heap cap packages and delivers it: sealing, tar.gz and metadata all stream
        long packaging = System.nanoTime();
        try (GatewayProcess gateway = GatewayProcess.start(spool, log, "DICOM_GATEWAY_STUDY_STABLEAFTER", "100ms")) {
            Delivered.awaitMetadataRows(dev.dicomgateway.testing.TestGateway.metadataOf(spool), 1);
        }
        System.out.printf("1 GiB study sealed, packaged and delivered in %.1f s%n", (System.nanoTime() - packaging) / 1e9);
        List<Path> archives = Delivered.files(dev.dicomgateway.testing.TestGateway.bucketOf(spool), ".tar.gz");
        assertEquals(1, archives.size());
        assertFalse(Files.readString(log).contains("OutOfMemoryError"));
        Process tar = new ProcessBuilder("bash", "-c", "tar xzOf '" + archives.get(0) + "' | tail -c " + element + " | sha256sum")
                .redirectErrorStream(true).start();
        String extracted = new String(tar.getInputStream().readAllBytes()).split(" ")[0];
        assertEquals(0, tar.waitFor());
        assertEquals(pixels, extracted, "the archived instance carries the same pixel data");
    }

    private Path headOf(Path file) throws Exception {
        Path head = work.resolve("head.bin");
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.min(64 * 1024, in.length())];
            in.readFully(bytes);
            Files.write(head, bytes);
        }
        return head;
    }

    private static String tailDigest(Path file, long length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(in.length() - length);
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
