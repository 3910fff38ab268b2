package dev.dicomgateway.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.FakeBigQuery;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.TestGateway;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL the gateway at random moments while it seals, packages and delivers, two dozen times, then let it finish:
 * every acknowledged instance is delivered exactly once — one archive member, one metadata row — and nothing is left.
 */
class DeliveryCrashTest {
    private static final int STUDIES = 12;
    private static final int INSTANCES_PER_STUDY = 20;
    private static final int PIXEL_BYTES = 400 * 1024;
    private static final int KILLS = 24;

    @TempDir
    Path work;

    @Test
    void sigkillDuringPackagingAndDeliveryNeverLosesOrDuplicates() throws Exception {
        run(null, null);
    }

    @Test
    void sigkillDuringUploadsToCloudStorageNeverLosesOrDuplicates() throws Exception {
        try (dev.dicomgateway.testing.FakeGcs gcs = new dev.dicomgateway.testing.FakeGcs("crash-bucket")) {
            run(gcs, null);
        }
    }

    /** Load jobs take a while and answers are slow, so kills land between recording, submitting and finishing a load. */
    @Test
    void sigkillDuringUploadsAndBigQueryLoadsNeverLosesOrDuplicates() throws Exception {
        try (dev.dicomgateway.testing.FakeGcs gcs = new dev.dicomgateway.testing.FakeGcs("crash-bucket");
             FakeBigQuery bigquery = new FakeBigQuery()) {
            bigquery.jobRunMillis = 400;
            bigquery.slowMillis = 60;
            run(gcs, bigquery);
            List<Map<String, Object>> rows = bigquery.rows("crash-project", "crash", "dicom");
            assertEquals(STUDIES * INSTANCES_PER_STUDY, rows.size(), "one BigQuery row per instance, none twice");
            assertEquals(rows.size(), new HashSet<>(rows.stream().map(r -> r.get("SOPInstanceUID")).toList()).size());
        }
    }

    private void run(dev.dicomgateway.testing.FakeGcs gcs, FakeBigQuery bigquery) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Path> files = makeInstances(work.resolve("source"), random);
        Set<String> sops = new HashSet<>();
        files.forEach(f -> sops.add(f.getFileName().toString().replace(".dcm", "")));
        Path spool = work.resolve("spool");
        Path log = work.resolve("gateway.log");
        String[] settings = environment(gcs, bigquery);

        GatewayProcess first = GatewayProcess.start(spool, log, settings);
        Dcmtk.StoreReport report = Dcmtk.storescu(first.dicomPort(), "DICOM-GATEWAY", "-xe", files);
        assertEquals(files.size(), report.stored().size(), report.result().output());
        first.kill();
        for (int kill = 0; kill < KILLS; kill++) {
            long logBefore = Files.size(log);
            GatewayProcess gateway = GatewayProcess.start(spool, log, settings);
            boolean undelivered = !Delivered.files(spool.resolve("batches"), ".json").isEmpty()
                    || !Delivered.files(spool.resolve("incoming"), ".dcm").isEmpty();
            if (bigquery != null && kill % 2 == 0 && undelivered) {
                // every other kill lands while a load job runs (jobs take 400 ms in the stand-in), however slowly this
                // machine starts and seals: random sleeps alone missed every load on a loaded machine
                awaitLogAfter(log, logBefore, "BigQuery: submitting load job", 10_000);
                Thread.sleep(random.nextInt(300));
            } else {
                Thread.sleep(50 + random.nextInt(600));
            }
            gateway.kill();
        }
        try (GatewayProcess last = GatewayProcess.start(spool, log, settings)) {
            if (bigquery == null) {
                Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), files.size());
            } else {
                awaitBigQueryRows(bigquery, files.size(), log);
            }
            awaitNoBatches(spool);
        }

        String logText = Files.readString(log);
        int resumed = count(logText, "resuming batch") + count(logText, "interrupted by a stop");
        if (bigquery != null) {
            int loadsResumed = count(logText, "BigQuery: resuming load job");
            System.out.printf("load jobs run: %d, load jobs resumed after a kill: %d%n", bigquery.loadJobsRun(), loadsResumed);
            assertTrue(loadsResumed > 0, "the kills must interrupt load jobs for this test to mean anything");
        }
        System.out.printf("seals: %d, deliveries: %d, batches resumed mid-way after a kill: %d, gateway starts: %d%n",
                count(logText, "study sealed"), count(logText, "delivered:"), resumed, count(logText, "ready: collection"));
        assertTrue(resumed > 0, "the kills must interrupt sealing or delivery for this test to mean anything");
        List<String> members = new ArrayList<>();
        List<Path> archives = Delivered.files(TestGateway.bucketOf(spool), ".tar.gz");
        if (gcs != null) {
            archives = new ArrayList<>();
            for (dev.dicomgateway.testing.FakeGcs.StoredObject object : gcs.objects().values()) {
                archives.add(Files.write(work.resolve("object-" + archives.size() + ".tar.gz"), object.content()));
            }
            assertEquals(STUDIES, gcs.objects().size(), "one object per study, none twice");
        }
        for (Path archive : archives) {
            Dcmtk.Result listing = Dcmtk.run(List.of("tar", "tzf", archive.toString()));
            assertEquals(0, listing.exitCode(), archive + ": " + listing.output());
            for (String member : listing.output().split("\n")) {
                members.add(member);
            }
        }
        // passthrough names members by keyed digests: a member's SOP Instance UID is the one its metadata row reads
        java.util.Map<String, String> sopByMember = new java.util.HashMap<>();
        List<String> rowSops = new ArrayList<>();
        if (bigquery != null) {
            for (java.util.Map<String, Object> r : bigquery.rows("crash-project", "crash", "dicom")) {
                rowSops.add(r.get("SOPInstanceUID").toString());
                sopByMember.put(String.valueOf(r.get("archive_member")), r.get("SOPInstanceUID").toString());
            }
        } else {
            for (com.fasterxml.jackson.databind.JsonNode r : Delivered.rows(TestGateway.metadataOf(spool))) {
                rowSops.add(r.get("SOPInstanceUID").asText());
                sopByMember.put(r.get("archive_member").asText(), r.get("SOPInstanceUID").asText());
            }
        }
        assertEquals(files.size(), members.size(), "archive members (seed " + seed + ")");
        assertEquals(files.size(), new HashSet<>(members).size(), "no member twice (seed " + seed + ")");
        assertEquals(sops, new HashSet<>(members.stream().map(m -> sopByMember.getOrDefault(m, "no row for " + m)).toList()),
                "every acknowledged instance in exactly one archive");
        assertEquals(files.size(), rowSops.size(), "metadata rows");
        assertEquals(sops, new HashSet<>(rowSops), "exactly one row per instance");
        assertTrue(Delivered.files(spool.resolve("batches"), ".dcm").isEmpty(), "nothing left to deliver");
        assertTrue(Delivered.files(spool.resolve("incoming"), ".dcm").isEmpty());
        assertTrue(Delivered.files(spool.resolve("failed"), ".json").isEmpty());
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    private static void awaitBigQueryRows(FakeBigQuery bigquery, int count, Path log) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (bigquery.rows("crash-project", "crash", "dicom").size() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (bigquery.rows("crash-project", "crash", "dicom").size() < count) {
            List<String> lines = Files.readAllLines(log);
            throw new AssertionError(bigquery.rows("crash-project", "crash", "dicom").size() + " of " + count
                    + " rows; end of the gateway's log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    private static void awaitNoBatches(Path spool) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Delivered.files(spool.resolve("batches"), ".dcm").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(500); // let the last batch finish its cleanup
    }

    /** Waits (at most {@code millis}) until {@code text} appears in the log after byte {@code from}. */
    private static void awaitLogAfter(Path log, long from, String text, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            byte[] all = Files.readAllBytes(log);
            if (all.length > from && new String(all, (int) from, all.length - (int) from,
                    java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static String[] environment(dev.dicomgateway.testing.FakeGcs gcs, FakeBigQuery bigquery) {
        List<String> environment = new ArrayList<>(List.of(TestGateway.PASSTHROUGH));
        environment.addAll(List.of("DICOM_GATEWAY_STUDY_STABLEAFTER", "300ms", "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms",
                "DICOM_GATEWAY_RETRY_MAXDELAY", "500ms", "DICOM_GATEWAY_DESTINATION_COMPRESSIONLEVEL", "6"));
        if (gcs != null) {
            environment.addAll(List.of("DICOM_GATEWAY_DESTINATION_TYPE", "gcs", "DICOM_GATEWAY_DESTINATION_GCS_BUCKET",
                    "crash-bucket", "DICOM_GATEWAY_DESTINATION_GCS_ENDPOINT", gcs.endpoint()));
        }
        if (bigquery != null) {
            environment.addAll(List.of("DICOM_GATEWAY_METADATA_TYPE", "bigquery", "DICOM_GATEWAY_METADATA_BIGQUERY_PROJECT",
                    "crash-project", "DICOM_GATEWAY_METADATA_BIGQUERY_DATASET", "crash",
                    "DICOM_GATEWAY_METADATA_BIGQUERY_ENDPOINT", bigquery.endpoint(),
                    "DICOM_GATEWAY_METADATA_BIGQUERY_LOADINTERVAL", "300ms"));
        }
        return environment.toArray(String[]::new);
    }

    private static List<Path> makeInstances(Path directory, Random random) throws Exception {
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        byte[] noise = new byte[PIXEL_BYTES];
        for (int s = 0; s < STUDIES; s++) {
            for (int i = 0; i < INSTANCES_PER_STUDY; i++) {
                String sop = "1.2.826.0.1.3680043.10.546." + s + "." + i;
                random.nextBytes(noise);
                byte[] header = DataSets.explicitLittleEndian()
                        .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                        .text(0x0008, 0x0018, "UI", sop)
                        .text(0x0008, 0x0020, "DA", "20240105")
                        .text(0x0008, 0x0060, "CS", "CT")
                        .text(0x0010, 0x0020, "LO", "CRASH-" + s)
                        .text(0x0020, 0x000D, "UI", "1.2.826.0.1.3680043.10.546." + s)
                        .text(0x0020, 0x000E, "UI", "1.2.826.0.1.3680043.10.546." + s + ".1")
                        .toByteArray();
                Path file = directory.resolve(sop + ".dcm");
                try (OutputStream out = Files.newOutputStream(file)) {
                    out.write(new FileMetaInformation(RawScu.CT_IMAGE_STORAGE, sop, RawScu.EXPLICIT_LE, "TEST").encode());
                    out.write(header);
                    out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0});
                    out.write(new byte[] {(byte) PIXEL_BYTES, (byte) (PIXEL_BYTES >>> 8), (byte) (PIXEL_BYTES >>> 16), 0});
                    out.write(noise);
                }
                files.add(file);
            }
        }
        return files;
    }
}
