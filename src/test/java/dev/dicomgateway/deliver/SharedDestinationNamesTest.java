package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names of what two gateways store in one destination: neither replaces nor refuses the other's part of a study. */
class SharedDestinationNamesTest {
    @TempDir
    Path work;

    @Test
    void aGatewaysOwnObjectNameKeepsTheExtension() {
        assertEquals("C/E/E_20240105_I_gw-2.tar.gz",
                ObjectNameTemplate.withSuffix("C/E/E_20240105_I.tar.gz", ObjectNameTemplate.gatewaySuffix("gw-2")));
        assertEquals("C/E/1.2/1.2.3_gw-2.dcm", ObjectNameTemplate.withSuffix("C/E/1.2/1.2.3.dcm", "_gw-2"));
        assertEquals("C/E/1.2/1.2.3_gw-2", ObjectNameTemplate.withSuffix("C/E/1.2/1.2.3", "_gw-2"), "a UID's dots are no extension");
        assertEquals("C/E.x/name_gw-2", ObjectNameTemplate.withSuffix("C/E.x/name", "_gw-2"), "a directory's dot is none either");
        assertEquals("_node_7_a", ObjectNameTemplate.gatewaySuffix("node 7/a"), "a name segment, whatever gateway.id holds");
    }

    @Test
    void aTakenNameIsReportedAsTakenAndNeverOverwritten() throws Exception {
        LocalDirectoryStore store = new LocalDirectoryStore(work.resolve("bucket"));
        Path mine = Files.write(work.resolve("mine"), new byte[] {1, 2, 3});
        Path theirs = Files.write(work.resolve("theirs"), new byte[] {4, 5});
        store.put("a/b.tar.gz", ObjectContent.ofFile(theirs, Checksums.of(theirs)), Map.of());
        assertThrows(ObjectNameTakenException.class,
                () -> store.put("a/b.tar.gz", ObjectContent.ofFile(mine, Checksums.of(mine)), Map.of()));
        assertEquals(2, Files.size(work.resolve("bucket/a/b.tar.gz")), "never overwritten");
    }

    @Test
    void cloudStorageReportsATakenNameAsTakenToo() throws Exception {
        try (dev.dicomgateway.testing.FakeGcs gcs = new dev.dicomgateway.testing.FakeGcs("shared")) {
            GcsStore store = GcsStore.fromConfig(new dev.dicomgateway.config.GatewayConfig.Gcs("shared", "p", gcs.endpoint(), "none"));
            Path mine = Files.write(work.resolve("mine"), new byte[] {1, 2, 3});
            Path theirs = Files.write(work.resolve("theirs"), new byte[] {4, 5});
            store.put("a/b.tar.gz", ObjectContent.ofFile(theirs, Checksums.of(theirs)), Map.of());
            assertThrows(ObjectNameTakenException.class,
                    () -> store.put("a/b.tar.gz", ObjectContent.ofFile(mine, Checksums.of(mine)), Map.of()));
            assertEquals(2, gcs.objects().get("a/b.tar.gz").content().length, "never overwritten");
        }
    }

    @Test
    void twoGatewaysKeepTheirRowsOfTheSameBatchIdApart() throws Exception {
        Path metadata = work.resolve("metadata");
        NdjsonMetadataStore first = new NdjsonMetadataStore(metadata, "gw-1");
        NdjsonMetadataStore second = new NdjsonMetadataStore(metadata, "gw-2");
        first.write("E_I_p1", sink -> sink.accept(Map.of("SOPInstanceUID", "1.1")));
        second.write("E_I_p1", sink -> sink.accept(Map.of("SOPInstanceUID", "1.2")));
        first.write("E_I_p1", sink -> sink.accept(Map.of("SOPInstanceUID", "1.1"))); // written again after a crash
        assertEquals(2, dev.dicomgateway.testing.Delivered.rows(metadata).size(), "each gateway's row once");
        assertTrue(Files.exists(metadata.resolve("E_I_p1.gw-2.ndjson")));
    }
}
