package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.receive.dimse.Status;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass receive path (de-identification on) on real associations: a refused instance's data set is drained
 * exactly, so the next C-STORE on the same association is staged; a data set interrupted by another PDU is never
 * answered Success and leaves nothing in tmp/ or incoming/; four associations sending one SOP Instance UID at once
 * leave one staged file.
 */
class OnePassAssociationTest {
    private static final String STUDY = "1.2.3.4.600";
    private static final String SERIES = "1.2.3.4.600.1";

    @TempDir
    Path root;

    private static byte[] ct(String sop, int pixels) {
        return DataSets.ct(sop, "PAT-600", STUDY, SERIES, pixels);
    }

    /** The data set in one-byte, empty and odd-sized data PDVs, the last one marked last. */
    private static byte[] awkwardPdus(byte[] dataSet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        int step = 1;
        while (offset < dataSet.length) {
            int end = Math.min(dataSet.length, offset + step);
            out.writeBytes(RawScu.pData(false, false, new byte[0]));
            out.writeBytes(RawScu.pData(false, end == dataSet.length, Arrays.copyOfRange(dataSet, offset, end)));
            offset = end;
            step = step >= 9_000 ? 1 : step * 3 + 1;
        }
        return out.toByteArray();
    }

    private static int store(RawScu scu, int messageId, String sop, byte[] dataSet) throws Exception {
        scu.send(RawScu.pData(true, true, RawScu.storeCommand(messageId, RawScu.CT_IMAGE_STORAGE, sop)));
        scu.send(awkwardPdus(dataSet));
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type(), "a C-STORE-RSP");
        return RawScu.status(RawScu.pdvData(response.body()));
    }

    @Test
    void refusedInstancesAreDrainedExactlyAndTheNextOneOnTheAssociationIsStaged() throws Exception {
        Path spool = root.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_REQUIREPATIENTID", "true",
                "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h");
             RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
            byte[] good = ct("1.2.3.4.600.10", 70_000);
            byte[] truncatedPixels = Arrays.copyOf(ct("1.2.3.4.600.11", 70_000), 40_000);
            byte[] noPatient = DataSets.explicitLittleEndian().text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                    .text(0x0008, 0x0018, "UI", "1.2.3.4.600.12").text(0x0020, 0x000D, "UI", STUDY)
                    .text(0x0020, 0x000E, "UI", SERIES).pixelData(70_000).toByteArray();
            byte[] trailing = DataSets.ctHeader("1.2.3.4.600.13", "PAT-600", STUDY, SERIES).pixelData(1000)
                    .element(0xFFFC, 0xFFFC, "OB", new byte[300_000]).toByteArray();
            assertEquals(Status.SOP_INSTANCE_UID_MISMATCH, store(scu, 1, "1.2.3.4.600.99", good));
            assertEquals(Status.SUCCESS, store(scu, 2, "1.2.3.4.600.10", good));
            assertEquals(Status.CANNOT_UNDERSTAND, store(scu, 3, "1.2.3.4.600.11", truncatedPixels));
            assertEquals(Status.MISSING_PATIENT_ID, store(scu, 4, "1.2.3.4.600.12", noPatient));
            assertEquals(Status.SUCCESS, store(scu, 5, "1.2.3.4.600.13", trailing));
            byte[] badVrEarly = DataSets.ctHeader("1.2.3.4.600.14", "PAT-600", STUDY, SERIES)
                    .element(0x0009, 0x0010, "ZZ", new byte[4]).pixelData(70_000).toByteArray(); // refused 70 kB early
            assertEquals(Status.CANNOT_UNDERSTAND, store(scu, 6, "1.2.3.4.600.14", badVrEarly));
            assertEquals(Status.SUCCESS, store(scu, 7, "1.2.3.4.600.15", ct("1.2.3.4.600.15", 1000)));
            assertEquals(3, StagedFiles.under(spool).size());
            assertTrue(empty(new SpoolLayout(spool).temporary()), "tmp/ empty");
            StoreCall.release(scu);
        }
    }

    @Test
    void aDataSetInterruptedByAnotherPduIsNeverAnsweredSuccessAndLeavesNothing() throws Exception {
        Path spool = root.resolve("spool");
        byte[] dataSet = ct("1.2.3.4.600.20", 200_000);
        // cut where a complete data set could end (before the pixel data), none of it marked last: taking the
        // interruption for the data set's end would stage a valid header-only instance
        int headerLength = DataSets.ctHeader("1.2.3.4.600.20", "PAT-600", STUDY, SERIES).toByteArray().length;
        byte[] withoutLast = RawScu.pData(false, false, Arrays.copyOf(dataSet, headerLength));
        List<byte[]> tricks = List.of(RawScu.pData(true, true, RawScu.storeCommand(9, RawScu.CT_IMAGE_STORAGE, "1.2.3.4.600.21")),
                RawScu.releaseRequest(), RawScu.abortPdu(), new byte[0]);
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h")) {
            for (byte[] trick : tricks) {
                try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                    scu.setTimeoutMillis(10_000);
                    scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.4.600.20")));
                    scu.send(withoutLast);
                    if (trick.length == 0) {
                        scu.reset();
                        continue;
                    }
                    scu.send(trick);
                    try {
                        RawScu.Pdu answer = scu.read();
                        if (answer.type() == 0x04) {
                            assertNotEquals(Status.SUCCESS, RawScu.status(RawScu.pdvData(answer.body())),
                                    "an interrupted data set answered Success");
                        }
                    } catch (java.io.IOException closed) {
                        // closed: as good as an abort
                    }
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!empty(new SpoolLayout(spool).temporary()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(empty(new SpoolLayout(spool).temporary()), "tmp/ empty");
            assertEquals(List.of(), StagedFiles.under(spool));
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                assertEquals(Status.SUCCESS, StoreCall.store(scu, 1, "1.2.3.4.600.20", dataSet).status());
            }
        }
    }

    @Test
    void fourAssociationsSendingOneSopInstanceUidAtOnceLeaveOneStagedFile() throws Exception {
        Path spool = root.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "1h")) {
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int pixels = 9_000_000 + 2 * i; // past WriteBehind's 8 MiB: its fdatasync runs meanwhile
                    Callable<Integer> send = () -> {
                        try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                            return StoreCall.store(scu, 1, "1.2.3.4.600.30", ct("1.2.3.4.600.30", pixels)).status();
                        }
                    };
                    answers.add(senders.submit(send));
                }
                for (Future<Integer> answer : answers) {
                    assertEquals(Status.SUCCESS, answer.get());
                }
            } finally {
                senders.shutdownNow();
            }
            List<Path> staged = StagedFiles.under(spool);
            assertEquals(1, staged.size());
            long size = Files.size(staged.get(0));
            assertTrue(size % 2 == 0 && size > 9_000_000 && size < 9_010_000, "one whole copy: " + size);
            assertTrue(empty(new SpoolLayout(spool).temporary()), "tmp/ empty");
        }
    }

    private static boolean empty(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        }
    }
}
