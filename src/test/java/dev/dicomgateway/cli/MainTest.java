package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.GatewayCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands operators type: version, and run refusing a bad configuration with the key's name. */
class MainTest {
    @TempDir
    Path dir;

    @Test
    void versionPrintsGatewayAndJavaVersions() {
        String out = Cli.run("version");
        assertTrue(out.startsWith("dicom-gateway "), out);
        assertTrue(out.contains("java " + System.getProperty("java.version")), out);
    }

    @Test
    void runWithUnknownKeyExitsWithConfigurationErrorNamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "spool:\n  directory: /tmp/x\n");
        Cli.Output output = Cli.execute("run", "--config", config.toString());
        assertEquals(RunCommand.EXIT_CONFIG, output.exitCode());
        assertTrue(output.err().contains("configuration error"), output.err());
        assertTrue(output.err().contains("spool.directory"), output.err());
    }

    /**
     * destination.objectTemplate "x/{study}.tar.gz" passed validation and check, then every delivery threw: now
     * `check` and `run` (a real process, which would serve on if the template passed) refuse it with exit 2.
     */
    @Test
    void aTemplateDeliveryCannotRenderIsRefusedByCheckAndRunWithExitTwoNamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("bad-template.yaml"), String.join("\n", "spool:",
                "  dir: " + dir.resolve("spool"), "destination:", "  objectTemplate: \"x/{study}.tar.gz\"", ""));
        Cli.Output check = Cli.execute("check", "--config", config.toString());
        assertEquals(RunCommand.EXIT_CONFIG, check.exitCode(), check.out() + check.err());
        assertTrue(check.err().contains("destination.objectTemplate") && check.err().contains("{study}"), check.err());
        assertTrue(check.err().contains("{collection} {entity} {item} {studyDate} {part}"), "the fix: " + check.err());
        Cli.Output run = GatewayCommand.run(dir.resolve("spool"), dir, java.time.Duration.ofSeconds(30),
                java.util.List.of("run"), "DICOM_GATEWAY_DESTINATION_OBJECTTEMPLATE", "x/{study}.tar.gz");
        assertEquals(RunCommand.EXIT_CONFIG, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("configuration error: invalid value for destination.objectTemplate"), run.err());
        assertTrue(run.err().lines().allMatch(line -> line.length() <= BoundedStandardError.MAX_LINE_CHARS),
                "no line is cut by standard error's bound: " + run.err());
        assertTrue(run.err().contains("{part}, not {study}"), "the end of the message is kept: " + run.err());
        assertTrue(!Files.exists(dir.resolve("spool").resolve(".lock")), "nothing was started or locked");
    }

    @Test
    void runWithMissingConfigFileSaysSo() {
        Cli.Output output = Cli.execute("run", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(RunCommand.EXIT_CONFIG, output.exitCode());
        assertTrue(output.err().contains("does not exist"), output.err());
    }

    @Test
    void lookupOfAnUnknownIdSaysWhereItLooked() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "spool:\n  dir: " + dir.resolve("spool") + "\n");
        Files.createDirectories(dir.resolve("spool")); // a spool that does not exist is exit 2 (InstallationPathsTest)
        Cli.Output output = Cli.execute("lookup", "--config", config.toString(), "ENOSUCHID");
        assertEquals(LookupCommand.EXIT_NOT_FOUND, output.exitCode());
        assertTrue(output.err().contains("no entity or item id ENOSUCHID"), output.err());
    }

    @Test
    void checkOfTheLocalDefaultsPassesAndAFullDiskFails() throws Exception {
        String base = String.join("\n", "spool:", "  dir: " + dir.resolve("spool"),
                "deidentify:", "  secretFile: " + dir.resolve("key"),
                "destination:", "  local:", "    dir: " + dir.resolve("bucket"),
                "metadata:", "  local:", "    dir: " + dir.resolve("metadata"), "");
        Path config = Files.writeString(dir.resolve("gateway.yaml"), base);
        Cli.Output ok = Cli.execute("check", "--config", config.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().contains("destination.local.dir") && ok.out().contains("metadata.local.dir"), ok.out());
        Path full = Files.writeString(dir.resolve("full.yaml"), base.replace("  dir: " + dir.resolve("spool"),
                "  dir: " + dir.resolve("spool") + "\n  minFreeBytes: 1000TiB"));
        Cli.Output failed = Cli.execute("check", "--config", full.toString());
        assertEquals(1, failed.exitCode());
        assertTrue(failed.out().contains("FAILED spool") && failed.out().contains("spool.minFreeBytes"), failed.out());
    }
}
