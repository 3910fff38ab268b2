package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults ← file ← environment, and errors that name the key. */
class GatewayConfigTest {
    @TempDir
    Path dir;

    @Test
    void builtInDefaultsAreTheDocumentedOnes() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of());
        assertEquals("gw-1", config.gatewayId());
        assertEquals("DEFAULT", config.collection());
        assertEquals("DICOM-GATEWAY", config.dicom().aeTitle());
        assertEquals("0.0.0.0", config.dicom().bind());
        assertEquals(11112, config.dicom().port());
        assertEquals(List.of(), config.dicom().allowedCallingAeTitles());
        assertEquals(32, config.dicom().maxAssociations());
        assertEquals(Duration.ofSeconds(60), config.dicom().idleTimeout());
        assertEquals(InstallationHome.directory().resolve("var/spool"), config.spool().dir());
        assertEquals(1073741824L, config.spool().minFreeBytes());
        assertEquals("127.0.0.1", config.http().bind());
        assertEquals(8080, config.http().port());
        assertEquals(Duration.ofSeconds(60), config.study().stableAfter());
        assertEquals(Duration.ofMinutes(90), config.study().maxOpen());
        assertEquals("local", config.destination().type());
        assertEquals(InstallationHome.directory().resolve("var/bucket"), config.destination().localDir());
        assertEquals("study-archive", config.destination().layout());
        assertEquals("Collection/{collection}/Entity/{entity}/{entity}_{studyDate}_{item}{part}.tar.gz",
                config.destination().objectTemplate());
        assertEquals("local", config.metadata().type());
        assertEquals(InstallationHome.directory().resolve("var/metadata"), config.metadata().localDir());
        assertEquals(Duration.ofSeconds(10), config.retry().initialDelay());
        assertEquals(Duration.ofMinutes(30), config.retry().maxDelay());
        assertEquals(0, config.retry().maxAttempts());
        assertEquals(2, config.deliverWorkers());
        assertEquals(0, config.spool().maxBytes());
        assertEquals(Duration.ZERO, config.spool().keepDelivered());
        assertTrue(config.deidentify().enabled());
    }

    @Test
    void senditAndGoogleVariableNamesAreAliases() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of("GOOGLE_CLOUD_STORAGE", "sendit-bucket",
                "GOOGLE_PROJECT_NAME", "sendit-project", "GOOGLE_STORAGE_COLLECTION", "IRB-42",
                "DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", "http://127.0.0.1:9"));
        assertEquals("sendit-bucket", config.destination().gcs().bucket());
        assertEquals("sendit-project", config.destination().gcs().project());
        assertEquals("IRB-42", config.collection());
        assertEquals("none", config.destination().gcs().credentials(), "a plain http endpoint is an emulator or stand-in");
        GatewayConfig explicit = GatewayConfig.load(null, Map.of("GOOGLE_CLOUD_STORAGE", "alias",
                "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", "explicit", "GOOGLE_CLOUD_PROJECT", "cloud-project"));
        assertEquals("explicit", explicit.destination().gcs().bucket(), "DICOM_GATEWAY_* wins over an alias");
        assertEquals("cloud-project", explicit.destination().gcs().project());
        assertEquals("default", explicit.destination().gcs().credentials());
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_TYPE", "gcs"), "destination.gcs.bucket", "GOOGLE_CLOUD_STORAGE");
    }

    @Test
    void bigQueryDefaultsFollowSendit() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of("GOOGLE_PROJECT_NAME", "sendit-project",
                "GOOGLE_STORAGE_COLLECTION", "IRB_42", "DICOM_GATEWAY_METADATA_TYPE", "bigquery"));
        GatewayConfig.BigQuery bigquery = config.metadata().bigquery();
        assertEquals("sendit-project", bigquery.project(), "the project of destination.gcs and its aliases");
        assertEquals("IRB_42", bigquery.dataset(), "the dataset is the collection, as in sendit");
        assertEquals("dicom", bigquery.table());
        assertEquals(java.time.Duration.ofMinutes(5), bigquery.loadInterval());
        assertEquals("default", bigquery.credentials());
        GatewayConfig local = GatewayConfig.load(null, Map.of("DICOM_GATEWAY_METADATA_TYPE", "bigquery",
                "DICOM_GATEWAY_METADATA_BIGQUERY_ENDPOINT", "http://127.0.0.1:9"));
        assertEquals("none", local.metadata().bigquery().credentials(), "the default for a plain http endpoint");
        GatewayConfig explicit = GatewayConfig.load(null, Map.of("DICOM_GATEWAY_METADATA_TYPE", "bigquery",
                "DICOM_GATEWAY_METADATA_BIGQUERY_ENDPOINT", "http://127.0.0.1:9",
                "DICOM_GATEWAY_METADATA_BIGQUERY_CREDENTIALS", "default"));
        assertEquals("default", explicit.metadata().bigquery().credentials(), "an explicit setting is kept");
        assertInvalid(Map.of("DICOM_GATEWAY_METADATA_BIGQUERY_CREDENTIALS", "adc"), "metadata.bigquery.credentials",
                "default, none");
        assertInvalid(Map.of("DICOM_GATEWAY_METADATA_TYPE", "bigquery", "DICOM_GATEWAY_COLLECTION", "IRB-42"),
                "collection", "metadata.bigquery.dataset");
        assertInvalid(Map.of("DICOM_GATEWAY_METADATA_BIGQUERY_DATASET", "my-dataset"), "metadata.bigquery.dataset",
                "letters, digits and underscores");
    }

    @Test
    void deliveryKeysAreValidated() {
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_OBJECTTEMPLATE", "x/{patientName}.tar.gz"), "destination.objectTemplate", "{patientName}");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_TYPE", "s3"), "destination.type", "local, gcs");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_LAYOUT", "zip"), "destination.layout", "study-archive");
        assertInvalid(Map.of("DICOM_GATEWAY_RETRY_MAXDELAY", "1s"), "retry.maxDelay", "retry.initialDelay");
        assertInvalid(Map.of("DICOM_GATEWAY_DEIDENTIFY_ENTITYPREFIX", "PATIENT"), "deidentify.entityPrefix", "3");
    }

    /** Each template is rendered at load with sample values of its kind, as delivery will render it. */
    @Test
    void templatesAreCheckedForTheValuesTheirNamesAreMadeOf() throws Exception {
        String key = "DICOM_GATEWAY_DESTINATION_OBJECTTEMPLATE";
        assertInvalid(Map.of(key, "x/{study}.tar.gz"), "destination.objectTemplate",
                "placeholders among {collection} {entity} {item} {studyDate} {part}, not {study}");
        assertInvalid(Map.of(key, "x/{sop}.tar.gz"), "destination.objectTemplate", "not {sop}");
        assertInvalid(Map.of(key, "x/{entity}_{item}.tar.gz"), "destination.objectTemplate", "missing {part}");
        assertInvalid(Map.of(key, "x/{studyDate}{part}.tar.gz"), "destination.objectTemplate", "missing {item}");
        assertInvalid(Map.of(key, "x/{item{part}.tar.gz"), "destination.objectTemplate", "a brace is left over");
        assertInvalid(Map.of(key, "x//{item}{part}.tar.gz"), "destination.objectTemplate", "empty path segment");
        assertInvalid(Map.of(key, "{part}/{item}.tar.gz"), "destination.objectTemplate", "starts with '/'");
        assertInvalid(Map.of(key, "../{item}{part}.tar.gz"), "destination.objectTemplate", "segment '..'");
        assertInvalid(Map.of(key, "x/{item}{part}\n.tar.gz"), "destination.objectTemplate", "control character");
        assertInvalid(Map.of(key, "x/" + "a".repeat(250) + "{item}{part}.tar.gz"), "destination.objectTemplate",
                "longer than 255 bytes");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_INSTANCETEMPLATE", "x/{study}/{series}.dcm"),
                "destination.instanceTemplate", "missing {sop}");
        GatewayConfig every = GatewayConfig.load(null, Map.of(key, "{collection}/{entity}/{studyDate}/{item}{part}.tgz",
                "DICOM_GATEWAY_DESTINATION_INSTANCETEMPLATE",
                "{collection}/{entity}/{item}{part}/{studyDate}/{study}/{series}/{sop}.dcm"));
        assertEquals("{collection}/{entity}/{studyDate}/{item}{part}.tgz", every.destination().objectTemplate());
    }

    /** Keys that passed validation and failed only when used: each is refused at load, naming the key. */
    @Test
    void valuesThatFailedOnlyWhenUsedAreRefusedAtLoad() {
        assertInvalid(Map.of("DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "200000000000d"), "spool.keepDelivered", "at most 36500d");
        assertInvalid(Map.of("DICOM_GATEWAY_RETRY_MAXDELAY", "100000000000d"), "retry.maxDelay", "at most 36500d");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", "localhost:4443"), "destination.gcs.endpoint",
                "http:// or https://");
        assertInvalid(Map.of("DICOM_GATEWAY_METADATA_BIGQUERY_ENDPOINT", "http//127.0.0.1:9050"),
                "metadata.bigquery.endpoint", "http:// or https://");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", "gs://my-bucket"),
                "destination.gcs.bucket", "without gs://");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET", "My_Bucket"),
                "destination.gcs.bucket", "lower-case");
        assertInvalid(Map.of("DICOM_GATEWAY_DESTINATION_GCS_PROJECT", "My Project"), "destination.gcs.project", "project id");
        assertInvalid(Map.of("DICOM_GATEWAY_METADATA_BIGQUERY_LOCATION", "europe west2"), "metadata.bigquery.location",
                "europe-west2");
        assertInvalid(Map.of("DICOM_GATEWAY_HTTP_BIND", "127.0.0.1:8080"), "http.bind", "without a port (the port is http.port)");
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_BIND", "0.0.0.0/0"), "dicom.bind", "host name or IP address");
        assertInvalid(Map.of("DICOM_GATEWAY_COLLECTION", ".."), "collection", "not '.' or '..'");
        assertInvalid(Map.of("DICOM_GATEWAY_GATEWAY_ID", "gw\u001b[2J"), "gateway.id", "control characters");
    }

    @Test
    void fileMergesOverDefaultsAndEnvironmentOverFile() throws Exception {
        Path file = Files.writeString(dir.resolve("site.yaml"), """
                collection: IRB-1234
                dicom:
                  port: 104
                  allowedCallingAeTitles: [CT01, MR02]
                spool:
                  minFreeBytes: 5GiB
                """);
        GatewayConfig config = GatewayConfig.load(file, Map.of(
                "DICOM_GATEWAY_DICOM_PORT", "11113",
                "DICOM_GATEWAY_SPOOL_MIN_FREE_BYTES", "2GB",
                "DICOM_GATEWAY_DICOM_IDLETIMEOUT", "90s",
                "PATH", "/usr/bin"));
        assertEquals("IRB-1234", config.collection(), "from the file");
        assertEquals(List.of("CT01", "MR02"), config.dicom().allowedCallingAeTitles(), "from the file");
        assertEquals(11113, config.dicom().port(), "environment beats the file");
        assertEquals(2_000_000_000L, config.spool().minFreeBytes(), "camel-case keys also match with underscores");
        assertEquals(Duration.ofSeconds(90), config.dicom().idleTimeout());
        assertEquals("DICOM-GATEWAY", config.dicom().aeTitle(), "untouched keys keep their defaults");
    }

    @Test
    void environmentListsAreCommaSeparated() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of("DICOM_GATEWAY_DICOM_ALLOWEDCALLINGAETITLES", "A, B ,C"));
        assertEquals(List.of("A", "B", "C"), config.dicom().allowedCallingAeTitles());
    }

    @Test
    void unknownKeyInFileStopsStartWithItsName() throws Exception {
        Path file = Files.writeString(dir.resolve("typo.yaml"), "dicom:\n  aetitle: X\n");
        ConfigException error = assertThrows(ConfigException.class, () -> GatewayConfig.load(file, Map.of()));
        assertTrue(error.getMessage().contains("dicom.aetitle"), error.getMessage());
        assertTrue(error.getMessage().contains("did you mean dicom.aeTitle"), error.getMessage());
    }

    @Test
    void unknownEnvironmentVariableStopsStartWithItsName() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> GatewayConfig.load(null, Map.of("DICOM_GATEWAY_DICOM_PROT", "104")));
        assertTrue(error.getMessage().contains("DICOM_GATEWAY_DICOM_PROT"), error.getMessage());
    }

    @Test
    void invalidValuesNameTheKeyAndTheirOrigin() throws Exception {
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_PORT", "eleven"), "dicom.port", "DICOM_GATEWAY_DICOM_PORT");
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_PORT", "70000"), "dicom.port", "0 to 65535");
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_IDLETIMEOUT", "soon"), "dicom.idleTimeout", "duration");
        assertInvalid(Map.of("DICOM_GATEWAY_SPOOL_MINFREEBYTES", "lots"), "spool.minFreeBytes", "size");
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_AETITLE", "THIS-AE-TITLE-IS-TOO-LONG"), "dicom.aeTitle", "AE title");
        assertInvalid(Map.of("DICOM_GATEWAY_DICOM_MAXASSOCIATIONS", "0"), "dicom.maxAssociations", "1 to");
        assertInvalid(Map.of("DICOM_GATEWAY_LOG_LEVEL", "LOUD"), "log.level", "INFO");
        assertInvalid(Map.of("DICOM_GATEWAY_LOG_FORMAT", "xml"), "log.format", "text, json");
    }

    @Test
    void valueWhereSectionBelongsIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("flat.yaml"), "dicom: 104\n");
        ConfigException error = assertThrows(ConfigException.class, () -> GatewayConfig.load(file, Map.of()));
        assertTrue(error.getMessage().contains("dicom"), error.getMessage());
    }

    private static void assertInvalid(Map<String, String> environment, String key, String hint) {
        ConfigException error = assertThrows(ConfigException.class, () -> GatewayConfig.load(null, environment));
        assertTrue(error.getMessage().contains(key), error.getMessage());
        assertTrue(error.getMessage().contains(hint), error.getMessage());
    }
}
