package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way out of quarantine: real corpus files (an ultrasound, secondary captures) sent with storescu land in
 * quarantine/, and the `quarantine` commands list, render, release (then delivered like any other instance) and purge
 * them; the running gateway applies deidentify.quarantine.retention and keeps the quarantine gauges.
 */
class QuarantineReviewTest {
    /** Ultrasound, explicit VR big endian, 60 rows × 80 columns, RGB; no BurnedInAnnotation, so quarantined. */
    private static final String ULTRASOUND = "ExplVR_BigEnd.dcm";
    /** Secondary capture (Modality OT), implicit VR little endian, 256 × 256 RGB. */
    private static final String SECONDARY_CAPTURE = "SC_rgb_jpeg_dcmd.dcm";
    /** Secondary capture compressed with JPEG Lossless SV1, which no installed codec decodes. */
    private static final String JPEG_LOSSLESS = "SC_rgb_jpeg_gdcm.dcm";
    private static final String[] FAST = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
        "DICOM_GATEWAY_RETRY_MAXDELAY", "200ms"};

    @TempDir
    Path work;

    @Test
    void listGivesTheContractFieldsOfEachQuarantinedInstanceFromItsDeidentifiedFile() throws Exception {
        Path spool = work.resolve("spool");
        Instant before = Instant.now().minusSeconds(1);
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, ULTRASOUND);
            send(gateway, SECONDARY_CAPTURE);
        }
        Instant after = Instant.now().plusSeconds(1);
        JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
        assertTrue(list.isArray(), list.toString());
        assertEquals(2, list.size(), list.toString());
        for (JsonNode entry : list) {
            Set<String> names = new TreeSet<>();
            entry.fieldNames().forEachRemaining(names::add);
            assertEquals(new TreeSet<>(Set.of("id", "reason", "modality", "sopClassUid", "bytes", "receivedAt", "entity", "item")),
                    names, entry.toString());
        }
        JsonNode us = entryWith(list, "modality", "US");
        JsonNode sc = entryWith(list, "modality", "OT");
        assertEquals("modality_US", us.get("reason").asText());
        assertEquals("1.2.840.10008.5.1.4.1.1.6.1", us.get("sopClassUid").asText());
        assertEquals("modality_OT", sc.get("reason").asText());
        assertEquals("1.2.840.10008.5.1.4.1.1.7", sc.get("sopClassUid").asText());
        for (JsonNode entry : List.of(us, sc)) {
            String id = entry.get("id").asText();
            assertTrue(id.startsWith("2.25."), "the de-identified SOP Instance UID: " + id);
            Path staged = quarantined(spool, id);
            assertEquals(List.of("DEFAULT", entry.get("entity").asText(), entry.get("item").asText()),
                    List.of(names(spool.resolve("quarantine").relativize(staged)).subList(0, 3).toArray()), staged.toString());
            assertTrue(entry.get("entity").asText().matches("E[A-Z2-7]{13}"), entry.toString());
            assertTrue(entry.get("item").asText().matches("I[A-Z2-7]{13}"), entry.toString());
            assertEquals(Files.size(staged), entry.get("bytes").asLong());
            Instant received = Instant.parse(entry.get("receivedAt").asText());
            assertTrue(!received.isBefore(before) && !received.isAfter(after), received.toString());
        }
        String output = Cli.run("quarantine", "list", "--json", "--config", config(spool).toString())
                + Cli.run("quarantine", "list", "--config", config(spool).toString());
        for (Corpus.File original : corpus(ULTRASOUND, SECONDARY_CAPTURE)) {
            assertFalse(output.contains(original.sopInstanceUid()) || output.contains(original.studyInstanceUid()),
                    "no original UID is printed: " + output);
        }
        String text = Cli.run("quarantine", "list", "--config", config(spool).toString());
        assertTrue(text.lines().anyMatch(line -> line.matches(us.get("id").asText().replace(".", "\\.")
                + " +modality_US +US +1\\.2\\.840\\.10008\\.5\\.1\\.4\\.1\\.1\\.6\\.1 +" + us.get("bytes").asLong()
                + " +\\S+ +" + us.get("entity").asText() + " +" + us.get("item").asText())), text);
    }

    @Test
    void showRendersTheFirstFrameAsAPngOfTheImagesRowsAndColumnsAndRefusesWhatItCannotDecode() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, ULTRASOUND);
            send(gateway, JPEG_LOSSLESS);
        }
        JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
        String us = entryWith(list, "sopClassUid", "1.2.840.10008.5.1.4.1.1.6.1").get("id").asText();
        Path png = work.resolve("review.png");
        String shown = Cli.run("quarantine", "show", us, "--png", png.toString(), "--config", config(spool).toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(80, image.getWidth(), "Columns");
        assertEquals(60, image.getHeight(), "Rows");
        assertTrue(shown.contains("80x60 pixels, " + Files.size(png) + " bytes"), shown);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(png)),
                "the PNG may show burned-in text: owner only");
        assertTrue(distinctColours(image) > 10, "an image, not a blank frame: " + distinctColours(image));

        String compressed = entryWith(list, "sopClassUid", "1.2.840.10008.5.1.4.1.1.7").get("id").asText();
        Cli.Output refused = Cli.execute("quarantine", "show", compressed, "--png", work.resolve("c.png").toString(),
                "--config", config(spool).toString());
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("cannot render " + compressed)
                && refused.err().contains("1.2.840.10008.1.2.4.70"), refused.err());
        assertFalse(Files.exists(work.resolve("c.png")));
        Cli.Output unknown = Cli.execute("quarantine", "show", "2.25.1", "--png", png.toString(), "--config", config(spool).toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("no quarantined instance"), unknown.err());
    }

    /**
     * A copy of the ultrasound that says BurnedInAnnotation=NO is delivered as its study's first part; the original,
     * quarantined, is released while the gateway runs and is delivered as the study's second part: an archive holding
     * exactly its staged bytes, and a metadata row for it.
     */
    @Test
    void releasedInstanceIsDeliveredAsANewPartOfItsAlreadyDeliveredStudy() throws Exception {
        Path spool = work.resolve("spool");
        Path original = corpus(ULTRASOUND).get(0).path();
        Path stated = Files.createDirectories(work.resolve("stated")).resolve("us_no.dcm");
        Files.copy(original, stated);
        Dcmtk.Result modified = Dcmtk.run(List.of("dcmodify", "-nb", "-gin", "-i", "(0028,0301)=NO", stated.toString()));
        assertEquals(0, modified.exitCode(), modified.output());
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        try (Gateway gateway = TestGateway.start(spool, FAST)) {
            assertEquals(List.of(stated), Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xb", List.of(stated)).stored());
            Delivered.awaitMetadataRows(metadata, 1);
            send(gateway, ULTRASOUND);
            JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
            assertEquals(1, list.size(), list.toString());
            String id = list.get(0).get("id").asText();
            byte[] staged = Files.readAllBytes(quarantined(spool, id));

            String released = Cli.run("quarantine", "release", id, "--config", config(spool).toString());
            assertTrue(released.contains("released " + id + " into study " + list.get(0).get("entity").asText() + "/"
                    + list.get(0).get("item").asText() + " by " + System.getProperty("user.name")), released);
            assertTrue(StagedFiles.list(spool.resolve("quarantine")).isEmpty(), "moved out of quarantine/");
            assertEquals(0, new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config",
                    config(spool).toString())).size());

            Delivered.awaitMetadataRows(metadata, 2);
            JsonNode row = Delivered.rows(metadata).stream().filter(r -> r.get("SOPInstanceUID").asText().equals(id))
                    .findFirst().orElseThrow(() -> new AssertionError("no metadata row for the released instance"));
            assertEquals(list.get(0).get("entity").asText(), row.get("entity_id").asText());
            assertTrue(row.get("batch_id").asText().endsWith("_p2"), "a new part of the delivered study: " + row);
            Path archive = Delivered.files(bucket, ".tar.gz").stream()
                    .filter(a -> a.getFileName().toString().endsWith("_p2.tar.gz")).findFirst().orElseThrow();
            Path extracted = Files.createDirectories(work.resolve("extracted"));
            Dcmtk.Result untar = Dcmtk.run(List.of("tar", "xzf", archive.toString(), "-C", extracted.toString()));
            assertEquals(0, untar.exitCode(), untar.output());
            List<Path> members = StagedFiles.list(extracted);
            assertEquals(1, members.size(), members.toString());
            assertEquals(id + ".dcm", members.get(0).getFileName().toString());
            assertEquals(-1, java.util.Arrays.mismatch(staged, Files.readAllBytes(members.get(0))), "the staged bytes, delivered");
        }
        String audit = Files.readString(spool.resolve("state/quarantine-audit.tsv"));
        assertTrue(audit.matches("\\S+\trelease\t\\S+\tE\\S+\tI\\S+\tmodality_US\t" + System.getProperty("user.name") + "\n"), audit);
    }

    /**
     * An instance reviewed, released and delivered is acknowledged when the modality sends it again unchanged, like any
     * delivered instance: counted as a duplicate, not held in quarantine for a second review.
     */
    @Test
    void aReleasedAndDeliveredInstanceSentAgainIsNotQuarantinedAgain() throws Exception {
        Path spool = work.resolve("spool");
        Path metadata = TestGateway.metadataOf(spool);
        try (Gateway gateway = TestGateway.start(spool, FAST)) {
            send(gateway, ULTRASOUND);
            JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
            assertEquals(1, list.size(), list.toString());
            Cli.run("quarantine", "release", list.get(0).get("id").asText(), "--config", config(spool).toString());
            Delivered.awaitMetadataRows(metadata, 1);

            send(gateway, ULTRASOUND);
            assertEquals(List.of(), StagedFiles.list(spool.resolve("quarantine")), "reviewed once is enough");
            assertTrue(gateway.registry().scrape().contains(
                    "dicom_gateway_instances_duplicate_total{gateway=\"gw-1\",stage=\"delivered\"} 1.0"),
                    gateway.registry().scrape());
            Thread.sleep(3000); // three times study.stableAfter
            assertEquals(1, Delivered.rows(metadata).size(), "not delivered again");
        }
    }

    @Test
    void purgeDeletesTheGivenInstancesWithTheirReasonFiles() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, ULTRASOUND);
            send(gateway, SECONDARY_CAPTURE);
        }
        JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
        String us = entryWith(list, "modality", "US").get("id").asText();
        String sc = entryWith(list, "modality", "OT").get("id").asText();
        Path usFile = quarantined(spool, us);
        String purged = Cli.run("quarantine", "purge", us, "--config", config(spool).toString());
        assertTrue(purged.contains("purged " + us + " by " + System.getProperty("user.name")), purged);
        assertFalse(Files.exists(usFile));
        assertFalse(Files.exists(usFile.resolveSibling(us + ".reason")));
        Path scFile = quarantined(spool, sc);
        assertTrue(Files.exists(scFile.resolveSibling(sc + ".reason")), "the other one stays");
        assertEquals(1, StagedFiles.list(spool.resolve("quarantine")).size());
        Cli.Output again = Cli.execute("quarantine", "purge", us, "--config", config(spool).toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("no quarantined instance"), again.err());
        assertTrue(Files.readString(spool.resolve("state/quarantine-audit.tsv")).contains("\tpurge\t" + us + "\t"));
    }

    @Test
    void purgeOlderThanDeletesOnlyInstancesReceivedLongerAgo() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, ULTRASOUND);
            send(gateway, SECONDARY_CAPTURE);
        }
        JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
        Path old = quarantined(spool, entryWith(list, "modality", "US").get("id").asText());
        Path recent = quarantined(spool, entryWith(list, "modality", "OT").get("id").asText());
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
        String purged = Cli.run("quarantine", "purge", "--older-than", "5d", "--config", config(spool).toString());
        assertTrue(purged.contains("purged 1 instance(s)"), purged);
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
        Cli.Output bad = Cli.execute("quarantine", "purge", "--older-than", "soon", "--config", config(spool).toString());
        assertEquals(2, bad.exitCode());
        assertTrue(Files.exists(recent));
    }

    /** deidentify.quarantine.retention: the gateway purges what is older at start-up (then hourly); gauges follow. */
    @Test
    void runningGatewayPurgesInstancesOlderThanTheRetentionAndKeepsTheGauges() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            send(gateway, ULTRASOUND);
            send(gateway, SECONDARY_CAPTURE);
            List<Path> files = StagedFiles.list(spool.resolve("quarantine"));
            long bytes = Files.size(files.get(0)) + Files.size(files.get(1));
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_quarantine_instances{gateway=\"gw-1\"} 2.0"), gauges(metrics));
            assertTrue(metrics.contains("dicom_gateway_quarantine_bytes{gateway=\"gw-1\"} " + (double) bytes), gauges(metrics));
        }
        JsonNode list = new ObjectMapper().readTree(Cli.run("quarantine", "list", "--json", "--config", config(spool).toString()));
        Path old = quarantined(spool, entryWith(list, "modality", "US").get("id").asText());
        Path recent = quarantined(spool, entryWith(list, "modality", "OT").get("id").asText());
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_RETENTION", "30d")) {
            assertFalse(Files.exists(old), "older than the retention: purged");
            assertFalse(Files.exists(old.resolveSibling(old.getFileName().toString().replace(".dcm", ".reason"))));
            assertTrue(Files.exists(recent), "within the retention: kept");
            String metrics = gateway.registry().scrape();
            assertTrue(metrics.contains("dicom_gateway_quarantine_instances{gateway=\"gw-1\"} 1.0"), gauges(metrics));
            assertTrue(metrics.contains("dicom_gateway_quarantine_bytes{gateway=\"gw-1\"} " + (double) Files.size(recent)),
                    gauges(metrics));
        }
        assertTrue(Files.readString(spool.resolve("state/quarantine-audit.tsv"))
                .contains("\tpurge_older_than_PT720H\t"), "the gateway's purge is audited too");
    }

    private static String gauges(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("dicom_gateway_quarantine")).toList().toString();
    }

    private static Path config(Path spool) throws Exception {
        Path config = spool.resolveSibling("gateway.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, String.join("\n", "spool:", "  dir: " + spool, "deidentify:",
                    "  secretFile: " + spool.resolve("private/deidentify.key"), ""));
        }
        return config;
    }

    private static void send(Gateway gateway, String name) throws Exception {
        Corpus.File file = corpus(name).get(0);
        Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, file.storescuFlag(),
                List.of(file.path()));
        assertEquals(List.of(file.path()), report.stored(), report.result().output());
    }

    private static List<Corpus.File> corpus(String... names) throws Exception {
        List<Corpus.File> found = new ArrayList<>();
        for (String name : names) {
            found.add(Corpus.files().stream().filter(f -> f.path().getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not in the corpus")));
        }
        return found;
    }

    private static Path quarantined(Path spool, String id) throws Exception {
        List<Path> matches = StagedFiles.list(spool.resolve("quarantine")).stream()
                .filter(p -> p.getFileName().toString().equals(id + ".dcm")).toList();
        assertEquals(1, matches.size(), id + " in " + StagedFiles.list(spool.resolve("quarantine")));
        return matches.get(0);
    }

    private static JsonNode entryWith(JsonNode list, String field, String value) {
        for (Iterator<JsonNode> entries = list.elements(); entries.hasNext(); ) {
            JsonNode entry = entries.next();
            if (entry.get(field).asText().equals(value)) {
                return entry;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value + " in " + list);
    }

    private static List<String> names(Path relative) {
        List<String> names = new ArrayList<>();
        relative.forEach(p -> names.add(p.toString()));
        return names;
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
