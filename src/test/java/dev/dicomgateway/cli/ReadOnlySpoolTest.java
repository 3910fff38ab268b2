package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spool.dir moved to another disk, as a hospital does first: under the unit's ProtectSystem=strict that disk is
 * read-only for the service, while `check` run outside the unit finds it writable. The start failure must name the
 * fix (ReadWritePaths=), not only "Read-only file system (the service user needs write access)". The read-only view
 * is made as systemd makes it, by a read-only bind mount in a private mount namespace (unshare -m; needs root).
 */
class ReadOnlySpoolTest {
    @TempDir
    Path dir;

    @Test
    void aSpoolOnAReadOnlyFileSystemNamesReadWritePaths() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("data"));
        Path spool = disk.resolve("spool");
        Result run = onReadOnlyDisk(disk, spool, "run");
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("cannot create spool directory " + spool), run.output());
        assertTrue(run.output().contains("read-only file system") && run.output().contains("ReadWritePaths=" + spool),
                run.output());
    }

    /** `check` probes an existing spool by writing into it: on the read-only view it names the same fix. */
    @Test
    void checkOnAReadOnlySpoolNamesReadWritePaths() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("data"));
        Path spool = Files.createDirectories(disk.resolve("spool"));
        Result check = onReadOnlyDisk(disk, spool, "check");
        assertTrue(check.exitCode() != 0, check.output());
        assertTrue(check.output().contains("cannot write " + spool)
                && check.output().contains("ReadWritePaths=" + spool), check.output());
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs `dicom-gateway COMMAND` with spool.dir {@code spool} while {@code disk} is a read-only bind mount. */
    private Result onReadOnlyDisk(Path disk, Path spool, String command) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" || exit 99; shift; exec \"$@\"";
        ProcessBuilder builder = new ProcessBuilder(List.of("unshare", "-m", "sh", "-c", script, "sh", disk.toString(),
                java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.dicomgateway.cli.Main", command))
                .redirectErrorStream(true);
        builder.environment().put("DICOM_GATEWAY_DICOM_BIND", "127.0.0.1");
        builder.environment().put("DICOM_GATEWAY_DICOM_PORT", "0");
        builder.environment().put("DICOM_GATEWAY_HTTP_PORT", "0");
        builder.environment().put("DICOM_GATEWAY_SPOOL_DIR", spool.toString());
        builder.environment().put("DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", dir.resolve("private/deidentify.key").toString());
        builder.environment().put("DICOM_GATEWAY_DESTINATION_LOCAL_DIR", dir.resolve("bucket").toString());
        builder.environment().put("DICOM_GATEWAY_METADATA_LOCAL_DIR", dir.resolve("metadata").toString());
        Process process;
        try {
            process = builder.start();
        } catch (java.io.IOException e) {
            Assumptions.abort("needs unshare (util-linux): " + e.getMessage());
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        Assumptions.assumeTrue(process.exitValue() != 99, "a read-only bind mount needs root: " + output);
        return new Result(process.exitValue(), output.replace("\n  ", " "));
    }
}
