package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every placeholder the configuration accepts for a template is one delivery supplies: a template using all of them
 * names a delivered object (the check at load and {@link BatchDelivery} agree on the values of each kind).
 */
class ObjectNamesTest {
    private static final String PSEUDONYM = "[A-Z2-7]{13}";
    private static final String UID = "2\\.25\\.[0-9]{1,39}";

    @TempDir
    Path root;

    @Test
    void archiveTemplateWithEveryPlaceholderNamesTheDeliveredArchive() throws Exception {
        List<Path> objects = deliverOne(root.resolve("archive"), ".tgz",
                "DICOM_GATEWAY_DESTINATION_OBJECTTEMPLATE", "{collection}/{entity}/{studyDate}/{item}{part}.tgz");
        assertEquals(1, objects.size(), objects.toString());
        String name = TestGateway.bucketOf(root.resolve("archive")).relativize(objects.get(0)).toString();
        assertTrue(name.matches("DEFAULT/E" + PSEUDONYM + "/[0-9]{8}/I" + PSEUDONYM + "\\.tgz"), name);
    }

    @Test
    void instanceTemplateWithEveryPlaceholderNamesTheDeliveredInstance() throws Exception {
        List<Path> objects = deliverOne(root.resolve("instances"), ".dcm", "DICOM_GATEWAY_DESTINATION_LAYOUT", "instances",
                "DICOM_GATEWAY_DESTINATION_INSTANCETEMPLATE",
                "{collection}/{entity}/{item}{part}/{studyDate}/{study}/{series}/{sop}.dcm");
        assertEquals(1, objects.size(), objects.toString());
        String name = TestGateway.bucketOf(root.resolve("instances")).relativize(objects.get(0)).toString();
        assertTrue(name.matches("DEFAULT/E" + PSEUDONYM + "/I" + PSEUDONYM + "/[0-9]{8}/" + UID + "/" + UID + "/" + UID
                + "\\.dcm"), name);
    }

    private static List<Path> deliverOne(Path spool, String suffix, String... settings) throws Exception {
        String[] all = java.util.Arrays.copyOf(EndToEndDeliveryTest.FAST, EndToEndDeliveryTest.FAST.length + settings.length);
        System.arraycopy(settings, 0, all, EndToEndDeliveryTest.FAST.length, settings.length);
        try (Gateway gateway = TestGateway.start(spool, all)) {
            try (RawScu scu = StoreCall.associate(gateway.dicomPort(), RawScu.EXPLICIT_LE)) {
                byte[] ct = DataSets.ct("1.2.3.301", "PATIENT-NAMES", "1.2.3.300", "1.2.3.300.1", 1024);
                assertTrue(StoreCall.store(scu, 1, "1.2.3.301", ct).success());
            }
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 1);
        }
        return Delivered.files(TestGateway.bucketOf(spool), suffix);
    }
}
