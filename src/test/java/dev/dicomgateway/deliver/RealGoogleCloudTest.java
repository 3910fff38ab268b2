package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dicomgateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against real Google Cloud only when an operator provides credentials and a bucket:
 * GOOGLE_APPLICATION_CREDENTIALS=key.json GCS_TEST_BUCKET=bucket mvn -B test -Dtest=RealGoogleCloudTest
 * Skipped otherwise (the suite never reaches Google from CI). Writes one small object under dicom-gateway-test/.
 */
class RealGoogleCloudTest {
    @TempDir
    Path dir;

    @Test
    void objectIsCreatedOnceAndARetryFindsIt() throws Exception {
        String bucket = System.getenv("GCS_TEST_BUCKET");
        assumeTrue(System.getenv("GOOGLE_APPLICATION_CREDENTIALS") != null && bucket != null && !bucket.isBlank(),
                "skipped: set GOOGLE_APPLICATION_CREDENTIALS and GCS_TEST_BUCKET to test against real Google Cloud");
        GcsStore store = GcsStore.fromConfig(new GatewayConfig.Gcs(bucket,
                System.getenv().getOrDefault("GOOGLE_CLOUD_PROJECT", ""), "", "default"));
        List<CheckResult> checks = store.check();
        assertEquals(List.of(true, true), checks.stream().map(CheckResult::ok).toList(), checks.toString());
        Path file = Files.writeString(dir.resolve("probe.txt"), "dicom-gateway real-cloud test " + System.nanoTime());
        Checksums checksums = Checksums.of(file);
        String name = "dicom-gateway-test/" + System.currentTimeMillis() + ".txt";
        String uri = store.put(name, ObjectContent.ofFile(file, checksums), Map.of("content-type", "text/plain"));
        assertEquals("gs://" + bucket + "/" + name, uri);
        assertEquals(uri, store.put(name, ObjectContent.ofFile(file, checksums), Map.of("content-type", "text/plain")), "idempotent retry");
    }
}
