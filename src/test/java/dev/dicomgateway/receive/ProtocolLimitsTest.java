package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PDU lengths the gateway did not offer or PS3.8 does not allow get an A-ABORT at once, not a wait for the body. */
class ProtocolLimitsTest {
    private static final String STUDY = "1.2.3.4.5";
    private static final String SERIES = "1.2.3.4.5.6";
    private static final int OFFERED_MAX_PDU = 65_536;

    @TempDir
    Path spool;

    @ParameterizedTest
    @ValueSource(ints = {OFFERED_MAX_PDU + 1, 1 << 20, 4 << 20, 16 << 20})
    void pDataLongerThanTheOfferedMaximumIsAbortedBeforeItsBodyArrives(int length) throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "BIGPDU")) {
            scu.setTimeoutMillis(3_000);
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.70")));
            scu.send(header(0x04, length));
            scu.send(new byte[] {0, 0, 0, 2, 1, 0}); // the start of its first PDV; the rest never comes
            assertProtocolAbort(scu.read());
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"protocol_error\"} 1.0");
            ProtocolDeadlinesTest.awaitCounted(gateway, "reason=\"incomplete\"} 1.0");
        }
    }

    @Test
    void pDataOfExactlyTheOfferedMaximumIsAccepted() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "FULLPDU")) {
            byte[] dataSet = DataSets.ct("1.2.3.71", "P1", STUDY, SERIES, 100_000);
            int firstFragment = OFFERED_MAX_PDU - 6; // PDU body = PDV item length (4) + header (2) + data
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, "1.2.3.71")));
            byte[] first = RawScu.pData(false, false, Arrays.copyOf(dataSet, firstFragment));
            assertEquals(6 + OFFERED_MAX_PDU, first.length);
            scu.send(first);
            scu.send(RawScu.pData(false, true, Arrays.copyOfRange(dataSet, firstFragment, dataSet.length)));
            RawScu.Pdu response = scu.read();
            assertEquals(0x04, response.type(), "a C-STORE-RSP");
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(response.body())));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 3, 5, 0xFFFF_FFFFL})
    void releaseRequestWhoseBodyIsNotFourBytesIsAbortedAtOnce(long length) throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "BADRELEASE")) {
            scu.setTimeoutMillis(3_000);
            scu.send(header(0x05, length));
            scu.send(new byte[] {0, 0, 0, 0});
            assertProtocolAbort(scu.read());
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"protocol_error\"} 1.0");
        }
    }

    @Test
    void abortWhoseBodyIsNotFourBytesIsAProtocolError() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool);
             RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "BADABORT")) {
            scu.setTimeoutMillis(3_000);
            scu.send(header(0x07, 0xFFFF_FFFFL));
            assertProtocolAbort(scu.read());
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"protocol_error\"} 1.0");
        }
    }

    @Test
    void onePeerGetsAtMostMaxAssociationsPerPeerConnections() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_MAXASSOCIATIONSPERPEER", "2");
             RawScu first = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "PEER1");
             RawScu second = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "PEER2")) {
            try (RawScu third = RawScu.connect(gateway.dicomPort())) {
                third.setTimeoutMillis(3_000);
                assertTrue(third.closedByPeer(), "the third connection from 127.0.0.1 is closed at once");
            }
            ProtocolDeadlinesTest.awaitCounted(gateway, "result=\"rejected_peer_limit\"} 1.0");

            assertEquals(0x0000, store(second, "1.2.3.72"), "the second association is still served");
            first.send(RawScu.releaseRequest());
            assertEquals(0x06, first.read().type(), "the first is still served: A-RELEASE-RP");
            first.close();

            RawScu again = associateWithin3Seconds(gateway);
            assertEquals(0x0000, store(again, "1.2.3.73"), "a place freed is a place to use");
            again.close();
        }
    }

    private static RawScu associateWithin3Seconds(Gateway gateway) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (true) {
            try {
                return RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "PEER3");
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no new association after a place was freed", e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static int store(RawScu scu, String sopInstanceUid) throws Exception {
        scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sopInstanceUid)));
        scu.send(RawScu.pData(false, true, DataSets.ct(sopInstanceUid, "P1", STUDY, SERIES, 1_000)));
        RawScu.Pdu response = scu.read();
        assertEquals(0x04, response.type(), "a C-STORE-RSP");
        return RawScu.status(RawScu.pdvData(response.body()));
    }

    private static void assertProtocolAbort(RawScu.Pdu answer) {
        assertEquals(0x07, answer.type(), "A-ABORT");
        assertEquals(2, answer.body()[2], "source: service provider");
        assertEquals(6, answer.body()[3], "reason: invalid PDU parameter value");
    }

    /** A PDU header announcing {@code length} bytes of body. */
    private static byte[] header(int type, long length) {
        return new byte[] {(byte) type, 0, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }
}
