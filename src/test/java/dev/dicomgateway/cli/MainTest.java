package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Cli;
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

    @Test
    void runWithMissingConfigFileSaysSo() {
        Cli.Output output = Cli.execute("run", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(RunCommand.EXIT_CONFIG, output.exitCode());
        assertTrue(output.err().contains("does not exist"), output.err());
    }

    @Test
    void lookupOfAnUnknownIdSaysWhereItLooked() throws Exception {
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "spool:\n  dir: " + dir.resolve("spool") + "\n");
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
