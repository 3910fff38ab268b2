package dev.dicomgateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.GatewayProcess;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the gateway writes is readable by other local users: with the most permissive umask (000, set by the shell
 * that starts the gateway process), every directory under the spool, the local bucket and the metadata directory is
 * 0700 and every file 0600 after a real run — staged, quarantined, sealed, packaged, delivered — and the raw received
 * file in tmp/ is 0600 while it is still arriving. A spool left 0755 by an older version is tightened at start-up.
 */
class OwnerOnlyPermissionsTest {
    private static final String[] FAST = {"DICOM_GATEWAY_STUDY_STABLEAFTER", "1s", "DICOM_GATEWAY_RETRY_INITIALDELAY",
        "100ms", "DICOM_GATEWAY_SPOOL_KEEPDELIVERED", "1h"};

    @TempDir
    Path work;

    @Test
    void afterARealRunUnderUmask000NoPathIsOpenToGroupOrOthers() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path burnedIn = work.resolve("burned-in.dcm");
        Files.copy(corpus.resolve("c_5.dcm"), burnedIn);
        Dcmtk.Result modified = Dcmtk.run(List.of("dcmodify", "-q", "-nb", "-i", "(0028,0301)=YES",
                "-m", "(0008,0018)=1.2.826.0.1.3680043.10.544.99", burnedIn.toString()));
        assertEquals(0, modified.exitCode(), modified.output());
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        try (GatewayProcess gateway = GatewayProcess.startWithUmask("000", spool, work.resolve("gateway.log"), FAST)) {
            List<Path> files = new ArrayList<>();
            for (String name : List.of("a1_1.dcm", "a1_2.dcm", "b_4.dcm", "c_5.dcm")) {
                files.add(corpus.resolve(name));
            }
            files.add(burnedIn);
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), report.result().output());
            Delivered.awaitFiles(bucket, ".tar.gz", 3);
            Delivered.awaitMetadataRows(metadata, 4);
        }
        List<String> open = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Path root : List.of(spool, bucket, metadata)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                    String expected = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
                    if (!mode.equals(expected)) {
                        open.add(mode + " " + path);
                    }
                    seen.add(path.getFileName().toString());
                }
            }
        }
        assertEquals(List.of(), open, "paths with another mode than 0700/0600");
        for (String expected : List.of("lookup.tsv", "deidentify.key", "secret.fingerprint", "manifest.json",
                ".tar.gz", "delivery-reserve", "1.ndjson")) { // archives are streamed to the bucket, not packaged on the spool
            assertTrue(seen.stream().anyMatch(name -> name.endsWith(expected.equals("1.ndjson") ? ".ndjson" : expected)),
                    "the walk covered a " + expected + ": " + seen);
        }
        assertTrue(seen.stream().anyMatch(name -> name.endsWith(".reason")), "a quarantined instance: " + seen);
    }

    @Test
    void theRawFileOfATransferStillArrivingIs0600() throws Exception {
        Path spool = work.resolve("spool");
        try (GatewayProcess gateway = GatewayProcess.startWithUmask("000", spool, work.resolve("gateway.log"))) {
            RawScu scu = RawScu.associated(gateway.dicomPort(), TestGateway.AE_TITLE, "HOLDER");
            try {
                String sop = "1.2.826.0.1.3680043.10.545.1";
                scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sop)));
                byte[] dataSet = DataSets.ct(sop, "PATIENT-RAW", "1.2.826.0.1.3680043.10.545", "1.2.826.0.1.3680043.10.545.2", 64_000);
                scu.send(RawScu.pData(false, false, java.util.Arrays.copyOf(dataSet, 32_000)));
                Path raw = awaitRawFile(spool.resolve("tmp"));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(raw)), raw.toString());
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool.resolve("tmp"))));
                assertTrue(Files.size(raw) > 0, "data has been written into it");
            } finally {
                scu.send(RawScu.abortPdu());
                scu.close();
            }
        }
    }

    @Test
    void startUpTightensASpoolBucketAndMetadataDirectoryLeftOpenAndSaysSoOnce() throws Exception {
        Path spool = work.resolve("spool");
        Path bucket = TestGateway.bucketOf(spool);
        Path metadata = TestGateway.metadataOf(spool);
        Path delivered = Files.createDirectories(spool.resolve("delivered"));
        Path oldManifest = Files.writeString(delivered.resolve("E1_I1_p1.json"), "{}");
        Path incomingCollection = Files.createDirectories(spool.resolve("incoming").resolve("DEFAULT"));
        Path oldObject = Files.writeString(Files.createDirectories(bucket.resolve("Collection")).resolve("x.tar.gz"), "x");
        Files.createDirectories(metadata);
        for (Path directory : List.of(spool, spool.resolve("incoming"), delivered, bucket, bucket.resolve("Collection"), metadata)) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(incomingCollection, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(oldManifest, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(oldObject, PosixFilePermissions.fromString("rw-rw-r--"));

        String log;
        try (LogCapture capture = new LogCapture(); Gateway gateway = TestGateway.start(spool)) {
            log = capture.text();
        }
        assertTrue(log.contains("tightened 5 paths under " + spool.toAbsolutePath()), log);
        assertTrue(log.contains("tightened 3 paths under " + bucket.toAbsolutePath()), log);
        assertTrue(log.contains("tightened 1 paths under " + metadata.toAbsolutePath()), log);
        assertEquals(3, log.split("tightened ", -1).length - 1, "one line per directory: " + log);
        for (Path path : List.of(spool, incomingCollection, delivered, bucket, metadata)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path.toString());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(oldManifest)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(oldObject)));

        try (LogCapture capture = new LogCapture(); Gateway gateway = TestGateway.start(spool)) {
            log = capture.text();
        }
        assertTrue(!log.contains("tightened"), "nothing left to tighten at the next start: " + log);
    }

    @Test
    void aLookupTableReadableByOthersStopsTheGatewayLikeTheSecret() throws Exception {
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            assertTrue(Files.exists(spool.resolve("private/lookup.tsv")));
        }
        Path table = spool.resolve("private/lookup.tsv");
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r--r--"));
        IOException error = assertThrows(IOException.class, () -> TestGateway.start(spool));
        assertTrue(error.getMessage().contains("lookup table " + table.toAbsolutePath())
                || error.getMessage().contains("lookup table " + table), error.getMessage());
        assertTrue(error.getMessage().contains("chmod 600"), error.getMessage());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(table)),
                "refused, not silently tightened: the operator must know it was exposed");
    }

    private static Path awaitRawFile(Path tmp) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(tmp)) {
                // st-: staged in one pass (the default); rx-: received whole for the file path
                List<Path> raw = files.filter(p -> p.getFileName().toString().startsWith("st-")
                        || p.getFileName().toString().startsWith("rx-")).toList();
                if (!raw.isEmpty() && Files.size(raw.get(0)) > 0) {
                    return raw.get(0);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no st-*.part or rx-*.part in " + tmp + " while the transfer is held open");
    }
}
