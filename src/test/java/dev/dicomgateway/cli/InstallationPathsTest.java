package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands find the same spool wherever they are run from: the built-in defaults' ./var/... is relative to the
 * installation (bin/dicom-gateway's -Ddicomgateway.home), a config file's relative paths to its directory, and the
 * packaged launcher's -Ddicomgateway.config names the default file. A command other than run/check (status, retry,
 * lookup, quarantine, import) on a spool that does not exist is a configuration error naming spool.dir; check creates
 * nothing.
 */
class InstallationPathsTest {
    @TempDir
    Path dir;

    @Test
    void statusFromAnyWorkingDirectorySeesTheInstallationsSpool() throws Exception {
        Path home = Files.createDirectories(dir.resolve("checkout"));
        new SpoolLayout(home.resolve("var/spool")).create();
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (Path cwd : List.of(home, elsewhere, Path.of("/"))) {
            Cli.Output status = command(cwd, List.of("-Ddicomgateway.home=" + home), "status");
            assertEquals(0, status.exitCode(), "from " + cwd + ": " + status.err());
            assertTrue(status.out().contains("spool                     " + home.resolve("var/spool") + "\n"),
                    "from " + cwd + ": " + status.out());
        }
        assertFalse(Files.exists(elsewhere.resolve("var")), "nothing appears in the working directory");
    }

    @Test
    void theCheckoutsConfFileIsRelativeToTheCheckoutAndAnyOtherFileToItsDirectory() throws Exception {
        Path home = Files.createDirectories(dir.resolve("checkout"));
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/gateway.yaml"), "spool:\n  dir: ./var/other-spool\n");
        new SpoolLayout(home.resolve("var/other-spool")).create();
        Cli.Output checkout = command(dir, List.of("-Ddicomgateway.home=" + home), "status");
        assertEquals(0, checkout.exitCode(), checkout.err());
        assertTrue(checkout.out().contains(home.resolve("var/other-spool") + "\n"), checkout.out());

        Path etc = Files.createDirectories(dir.resolve("etc/dicom-gateway"));
        Path file = Files.writeString(etc.resolve("gateway.yaml"), "spool:\n  dir: state/spool\n");
        new SpoolLayout(etc.resolve("state/spool")).create();
        Cli.Output packaged = command(dir, List.of("-Ddicomgateway.home=" + home, "-Ddicomgateway.config=" + file), "status");
        assertEquals(0, packaged.exitCode(), packaged.err());
        assertTrue(packaged.out().contains(etc.resolve("state/spool") + "\n"), "the packaged default file: " + packaged.out());
        Cli.Output explicit = command(home, List.of("-Ddicomgateway.home=" + home), "status", "--config", file.toString());
        assertEquals(0, explicit.exitCode(), explicit.err());
        assertTrue(explicit.out().contains(etc.resolve("state/spool") + "\n"), "--config: " + explicit.out());
    }

    @Test
    void aCommandOnAMissingSpoolIsAConfigurationErrorNamingSpoolDir() throws Exception {
        Path missing = dir.resolve("no-spool");
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "spool:\n  dir: no-spool\n");
        for (List<String> args : List.of(List.of("status"), List.of("retry", "--all"), List.of("lookup", "E1"),
                List.of("quarantine", "list"), List.of("import", dir.toString()))) {
            List<String> withConfig = new ArrayList<>(args);
            withConfig.addAll(List.of("--config", config.toString()));
            Cli.Output output = Cli.execute(withConfig.toArray(String[]::new));
            assertEquals(2, output.exitCode(), args + ": " + output.out() + output.err());
            String err = output.err().replace("\n  ", " ");
            assertTrue(err.contains("spool.dir " + missing + " does not exist"), args + ": " + err);
        }
        assertFalse(Files.exists(missing), "no command created it");
    }

    @Test
    void aBackupOfAMissingSpoolIsAConfigurationErrorNotABackupOfTheSecretAlone() throws Exception {
        Path missing = dir.resolve("no-spool");
        Path secret = Files.writeString(dir.resolve("deidentify.key"), "0".repeat(64) + "\n");
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "spool:\n  dir: no-spool\n"
                + "deidentify:\n  secretFile: " + secret + "\n");
        Path target = dir.resolve("backup");
        Cli.Output backup = Cli.execute("backup", target.toString(), "--config", config.toString());
        assertEquals(2, backup.exitCode(), backup.out() + backup.err());
        assertTrue(backup.err().replace("\n  ", " ").contains("spool.dir " + missing + " does not exist"), backup.err());
        assertFalse(Files.exists(target), "no backup written without the lookup table and the index");
    }

    @Test
    void checkCreatesNothing() throws Exception {
        Path state = dir.resolve("state");
        Path config = Files.writeString(dir.resolve("gateway.yaml"), String.join("\n", "spool:", "  dir: state/spool",
                "deidentify:", "  secretFile: state/private/deidentify.key", "destination:", "  local:",
                "    dir: state/bucket", "metadata:", "  local:", "    dir: state/metadata", ""));
        Cli.Output check = Cli.execute("check", "--config", config.toString());
        assertEquals(0, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains(state.resolve("spool") + " does not exist yet; `run` creates it"), check.out());
        assertTrue(check.out().contains(state.resolve("bucket") + " does not exist yet"), check.out());
        assertFalse(Files.exists(state), "check created " + listing(dir));
    }

    @Test
    void checkOfAnUncreatableSpoolNamesTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path config = Files.writeString(dir.resolve("gateway.yaml"), "spool:\n  dir: a-file/spool\n");
        Cli.Output check = Cli.execute("check", "--config", config.toString());
        assertEquals(1, check.exitCode(), check.out());
        assertTrue(check.out().contains("cannot create " + file.resolve("spool") + ": " + file
                + " is not a writable directory (spool.dir;"), check.out());
    }

    private static String listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(Path::toString).toList().toString();
        }
    }

    /** bin/dicom-gateway's main class as its own process in {@code cwd}, with {@code properties} (-D...). */
    private Cli.Output command(Path cwd, List<String> properties, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m"));
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.dicomgateway.cli.Main"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DICOM_GATEWAY_"));
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("dicom-gateway " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Cli.Output(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
