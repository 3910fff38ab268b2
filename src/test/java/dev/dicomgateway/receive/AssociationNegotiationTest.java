package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Association-time decisions seen from dcmtk's echoscu: verification, AE title checks, the association limit. */
class AssociationNegotiationTest {
    @TempDir
    Path spool;

    @Test
    void echoSucceeds() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool)) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertEquals(0, echo.exitCode(), echo.output());
            assertTrue(echo.output().contains("Received Echo Response (Success)"), echo.output());
        }
    }

    @Test
    void wrongCalledAeTitleIsRejectedPermanently() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool)) {
            Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), "SOMEONE-ELSE", "ECHOSCU");
            assertNotEquals(0, echo.exitCode());
            assertTrue(echo.output().contains("Called AE Title Not Recognized"), echo.output());
            assertTrue(echo.output().contains("Permanent"), echo.output());
            assertTrue(gateway.registry().scrape().contains("dicom_gateway_associations_total{gateway=\"gw-1\",result=\"rejected_called_ae\"} 1.0"));
        }
    }

    @Test
    void callingAeTitleOutsideAllowListIsRejected() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_ALLOWEDCALLINGAETITLES", "CT01,PACS_MAIN")) {
            Dcmtk.Result stranger = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "INTRUDER");
            assertNotEquals(0, stranger.exitCode());
            assertTrue(stranger.output().contains("Calling AE Title Not Recognized"), stranger.output());

            Dcmtk.Result allowed = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "PACS_MAIN");
            assertEquals(0, allowed.exitCode(), allowed.output());
        }
    }

    @Test
    void associationLimitIsEnforcedAndFreedSlotsAreReused() throws Exception {
        try (Gateway gateway = TestGateway.startPassthrough(spool, "DICOM_GATEWAY_DICOM_MAXASSOCIATIONS", "2");
             RawScu first = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "HOLDER1");
             RawScu second = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "HOLDER2")) {
            Dcmtk.Result third = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertNotEquals(0, third.exitCode());
            assertTrue(third.output().contains("Transient"), third.output());
            assertTrue(third.output().contains("Local Limit Exceeded"), third.output());

            first.send(RawScu.releaseRequest());
            assertEquals(0x06, first.read().type(), "A-RELEASE-RP");
            awaitActive(gateway, 1);
            Dcmtk.Result afterRelease = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
            assertEquals(0, afterRelease.exitCode(), afterRelease.output());
        }
    }

    static void awaitActive(Gateway gateway, int expected) throws InterruptedException {
        String line = "dicom_gateway_associations_active{gateway=\"gw-1\"} " + expected + ".0";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!gateway.registry().scrape().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("active associations never became " + expected);
            }
            Thread.sleep(20);
        }
    }
}
