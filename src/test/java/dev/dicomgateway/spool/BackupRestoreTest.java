package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's disk is lost: a backup taken while the gateway ran, restored onto a new disk, keeps the pseudonyms
 * (a study sent again joins its delivered study under the same entity id), the re-identification table (`lookup`
 * still answers) and exactly-once delivery (a re-sent study is a duplicate, not a second delivery). A restore never
 * runs beside a gateway, never replaces a different secret and never copies a damaged backup.
 */
class BackupRestoreTest {
    @TempDir
    Path work;
    private Path corpus;
    private Path config;
    private Path spool;
    private Path secret;
    private Path bucket;
    private Path metadata;

    @BeforeEach
    void setUp() throws Exception {
        corpus = RelationshipCorpus.make(work.resolve("corpus"));
        spool = work.resolve("disk").resolve("spool");
        secret = work.resolve("disk").resolve("private").resolve("deidentify.key");
        bucket = work.resolve("bucket");
        metadata = work.resolve("metadata");
        config = work.resolve("gateway.yaml");
        Files.writeString(config, String.join("\n",
                "dicom: {bind: 127.0.0.1, port: 0}",
                "http: {port: 0}",
                "study: {stableAfter: 1s}",
                "retry: {initialDelay: 100ms, maxDelay: 500ms}",
                "spool: {dir: '" + spool + "', minFreeBytes: 0, reserveBytes: 1MiB}",
                "deidentify: {secretFile: '" + secret + "'}",
                "destination: {local: {dir: '" + bucket + "'}}",
                "metadata: {local: {dir: '" + metadata + "'}}", ""));
    }

    @Test
    void aBackupTakenWhileRunningRestoresPseudonymsLookupAndExactlyOnce() throws Exception {
        Path backup = work.resolve("backup");
        String entity;
        try (Gateway gateway = start()) {
            send(gateway, "a1_1.dcm", "a1_2.dcm");
            Delivered.awaitFiles(bucket, ".tar.gz", 1);
            Delivered.awaitMetadataRows(metadata, 2);
            entity = Delivered.rows(metadata).get(0).get("PatientID").asText();
            awaitIndexed(2);

            Cli.Output taken = Cli.execute("backup", "--config", config.toString(), backup.toString());
            assertEquals(0, taken.exitCode(), taken.err());
            assertTrue(taken.out().contains("deidentify.key, private/secret.fingerprint, state/instances.sqlite, "
                    + "private/lookup.tsv"), taken.out());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        try (Stream<Path> files = Files.walk(backup)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
        }
        Dcmtk.Result checked = Dcmtk.run(List.of("sh", "-c", "cd '" + backup + "' && sha256sum -c BACKUP.sha256"));
        assertEquals(0, checked.exitCode(), checked.output()); // the manifest is sha256sum's format

        deleteTree(work.resolve("disk")); // the spool's disk is lost: spool, secret and all
        Cli.Output restored = Cli.execute("restore", "--config", config.toString(), backup.toString());
        assertEquals(0, restored.exitCode(), restored.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));

        try (Gateway gateway = start()) {
            send(gateway, "a1_1.dcm", "a1_2.dcm"); // the PACS re-pushes the study after the outage
            assertEquals(2.0, duplicates(gateway), gateway.registry().scrape());
            send(gateway, "b_4.dcm"); // and a new study of the same patient
            Delivered.awaitFiles(bucket, ".tar.gz", 2);
            Delivered.awaitMetadataRows(metadata, 3);
            Thread.sleep(2000);
        }
        assertEquals(2, Delivered.files(bucket, ".tar.gz").size(), "the re-sent study was not delivered again");
        assertEquals(3, Delivered.rows(metadata).size());
        assertEquals(1, Delivered.rows(metadata).stream().map(row -> row.get("PatientID").asText()).distinct().count(),
                "the restored secret gives the new study the patient's entity id " + entity);
        Cli.Output lookup = Cli.execute("lookup", "--config", config.toString(), entity);
        assertEquals(0, lookup.exitCode(), lookup.err());
        assertTrue(lookup.out().lines().count() >= 3, "both studies are in the restored table:\n" + lookup.out());
    }

    @Test
    void restoreRefusesARunningGatewayADifferentSecretAndADamagedBackup() throws Exception {
        Path backup = work.resolve("backup");
        try (Gateway gateway = start()) {
            send(gateway, "a1_1.dcm");
            Delivered.awaitMetadataRows(metadata, 1);
            assertEquals(0, Cli.execute("backup", "--config", config.toString(), backup.toString()).exitCode());
            Cli.Output beside = Cli.execute("restore", "--config", config.toString(), backup.toString());
            assertEquals(1, beside.exitCode(), beside.out());
            assertTrue(beside.err().contains("is in use by process " + ProcessHandle.current().pid()), beside.err());
            Cli.Output again = Cli.execute("backup", "--config", config.toString(), backup.toString());
            assertEquals(1, again.exitCode(), "a backup never overwrites another");
        }

        deleteTree(work.resolve("disk"));
        try (Gateway fresh = start()) { // someone started the gateway on the new disk first: a new secret
            assertTrue(Files.exists(secret));
        }
        byte[] newSecret = Files.readAllBytes(secret);
        Cli.Output mixed = Cli.execute("restore", "--config", config.toString(), backup.toString());
        assertEquals(1, mixed.exitCode(), mixed.out());
        assertTrue(mixed.err().contains("will not replace") && mixed.err().contains("deidentify.key"), mixed.err());
        assertTrue(java.util.Arrays.equals(newSecret, Files.readAllBytes(secret)), "nothing was changed");

        deleteTree(work.resolve("disk"));
        Path table = backup.resolve("private").resolve("lookup.tsv");
        Files.writeString(table, "tampered\n", java.nio.file.StandardOpenOption.APPEND);
        Cli.Output damaged = Cli.execute("restore", "--config", config.toString(), backup.toString());
        assertEquals(1, damaged.exitCode(), damaged.out());
        assertTrue(damaged.err().contains("damaged") && damaged.err().contains("lookup.tsv"), damaged.err());
        assertTrue(!Files.exists(secret), "nothing was copied from a damaged backup");
    }

    @Test
    void aBackupIntoAMissingDirectoryOrARestoreFromAWrongPathSaysWhatIsWrong() throws Exception {
        Files.createDirectories(spool);
        Files.createDirectories(secret.getParent());
        Files.writeString(secret, "0".repeat(64) + "\n");
        Path nowhere = work.resolve("backups");
        Cli.Output backup = Cli.execute("backup", "--config", config.toString(), nowhere.resolve("2026-12-01").toString());
        assertEquals(1, backup.exitCode(), backup.out());
        String backupError = backup.err().replace("\n  ", " ");
        assertTrue(backupError.contains(nowhere + " does not exist; create it first"), backupError);

        Cli.Output inside = Cli.execute("backup", "--config", config.toString(), spool.resolve("backup").toString());
        assertEquals(1, inside.exitCode(), inside.out());
        assertTrue(inside.err().replace("\n  ", " ").contains("inside spool.dir"), inside.err());
        assertTrue(!Files.exists(spool.resolve("backup")), "nothing written into the spool");

        Cli.Output missing = Cli.execute("restore", "--config", config.toString(), nowhere.toString());
        assertEquals(1, missing.exitCode(), missing.out());
        assertTrue(missing.err().replace("\n  ", " ").contains(nowhere + " does not exist: name the directory"), missing.err());
        Cli.Output file = Cli.execute("restore", "--config", config.toString(), secret.toString());
        assertEquals(1, file.exitCode(), file.out());
        assertTrue(file.err().replace("\n  ", " ").contains(secret + " is not a directory"), file.err());
    }

    @Test
    void restoreRefusesAMemberThatIsASymbolicLink() throws Exception {
        Path backup = work.resolve("backup");
        try (Gateway gateway = start()) {
            assertTrue(Files.exists(secret));
        }
        assertEquals(0, Cli.execute("backup", "--config", config.toString(), backup.toString()).exitCode());
        Path elsewhere = work.resolve("elsewhere.key"); // same bytes, so the checksum matches: only the link is wrong
        Files.move(backup.resolve("deidentify.key"), elsewhere);
        Files.createSymbolicLink(backup.resolve("deidentify.key"), elsewhere);
        deleteTree(work.resolve("disk"));
        Cli.Output linked = Cli.execute("restore", "--config", config.toString(), backup.toString());
        assertEquals(1, linked.exitCode(), linked.out());
        assertTrue(linked.err().contains("symbolic link") && linked.err().contains("deidentify.key"), linked.err());
        assertTrue(!Files.exists(secret), "nothing was copied");
    }

    private Gateway start() throws Exception {
        return Gateway.start(GatewayConfig.load(config, Map.of()));
    }

    private void send(Gateway gateway, String... names) throws Exception {
        List<Path> files = Stream.of(names).map(corpus::resolve).toList();
        Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
        assertEquals(files, report.stored(), report.result().output());
    }

    /** Waits until the delivered instances are recorded (the row appears just before `delivered` is). */
    private void awaitIndexed(long delivered) throws Exception {
        Path index = new SpoolLayout(spool).instanceIndex();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (DeliveredInstanceIndex.totals(index).delivered() < delivered) {
            assertTrue(System.nanoTime() < deadline, "instances not recorded as delivered");
            Thread.sleep(100);
        }
    }

    private static double duplicates(Gateway gateway) {
        String prefix = "dicom_gateway_instances_duplicate_total{gateway=\"gw-1\",stage=\"delivered\"} ";
        return gateway.registry().scrape().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).sum();
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
