package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A presentation context ID names exactly one negotiated abstract syntax: invalid and repeated IDs are rejected, and
 * a C-STORE for another SOP class than its context's is refused (0x0122), never stored.
 */
class PresentationContextChecksTest {
    private static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";
    private static final String VERIFICATION = "1.2.840.10008.1.1";
    private static final String STUDY = "1.2.3.4.5";
    private static final String SERIES = "1.2.3.4.5.6";

    @TempDir
    Path spool;

    @Test
    void storeForAnotherSopClassThanItsContextsIsRefusedAndTheAssociationGoesOn() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "MISMATCH")) {
            byte[] response = store(scu, MR_IMAGE_STORAGE, "1.2.3.60"); // context 1 was negotiated for CT
            assertEquals(0x0122, RawScu.status(response), "Refused: SOP Class not supported");
            String comment = RawScu.errorComment(response);
            assertTrue(comment != null && comment.contains("not negotiated"), "Error Comment: " + comment);
            ProtocolDeadlinesTest.awaitCounted(gateway, "reason=\"sop_class_not_negotiated\"} 1.0");

            assertEquals(0x0000, RawScu.status(store(scu, RawScu.CT_IMAGE_STORAGE, "1.2.3.61")),
                    "the refused data set was read and dropped; the next store is served");
            assertEquals(1, StoreCorpusTest.countFiles(spool.resolve("incoming"), ".dcm"), "only the CT is staged");
        }
    }

    @Test
    void contextsWithAnEvenZeroOrRepeatedIdAreRejected() throws Exception {
        List<RawScu.Context> proposed = List.of(
                new RawScu.Context(1, RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                new RawScu.Context(0, RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                new RawScu.Context(2, MR_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                new RawScu.Context(3, MR_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                new RawScu.Context(1, MR_IMAGE_STORAGE, RawScu.EXPLICIT_LE),
                new RawScu.Context(5, VERIFICATION, RawScu.EXPLICIT_LE));
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.connect(gateway.dicomPort())) {
            scu.send(RawScu.associateRequest(TestGateway.AE_TITLE, "IDS", proposed));
            RawScu.Pdu answer = scu.read();
            assertEquals(0x02, answer.type(), "A-ASSOCIATE-AC");
            assertEquals(List.of(new RawScu.ContextResult(1, 0), new RawScu.ContextResult(0, 2),
                    new RawScu.ContextResult(2, 2), new RawScu.ContextResult(3, 0), new RawScu.ContextResult(1, 2),
                    new RawScu.ContextResult(5, 0)), RawScu.contextResults(answer.body()));

            assertEquals(0x0000, RawScu.status(store(scu, RawScu.CT_IMAGE_STORAGE, "1.2.3.62")),
                    "context 1 is the first proposal's, CT");
        }
    }

    private static byte[] store(RawScu scu, String sopClassUid, String sopInstanceUid) throws Exception {
        scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, sopClassUid, sopInstanceUid)));
        byte[] dataSet = DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", sopClassUid)
                .text(0x0008, 0x0018, "UI", sopInstanceUid)
                .text(0x0010, 0x0020, "LO", "P1")
                .text(0x0020, 0x000D, "UI", STUDY)
                .text(0x0020, 0x000E, "UI", SERIES)
                .pixelData(2_000).toByteArray(); // agrees with its command: only the context can be wrong
        scu.send(RawScu.pData(false, true, dataSet));
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type(), "a C-STORE-RSP");
        return RawScu.pdvData(response.body());
    }
}
