package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The commands operators type: version, and run refusing a bad configuration with the key's name. */
class MainTest {
    @TempDir
    Path dir;

    @Test
    void versionPrintsGatewayAndJavaVersions() {
        String out = capture(() -> assertEquals(0, new CommandLine(new Main()).execute("version")));
        assertTrue(out.startsWith("dicom-gateway "), out);
        assertTrue(out.contains("java " + System.getProperty("java.version")), out);
    }

    @Test
    void runWithUnknownKeyExitsWithConfigurationErrorNamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "spool:\n  directory: /tmp/x\n");
        String err = captureErr(() -> assertEquals(RunCommand.EXIT_CONFIG,
                new CommandLine(new Main()).execute("run", "--config", config.toString())));
        assertTrue(err.contains("configuration error"), err);
        assertTrue(err.contains("spool.directory"), err);
    }

    @Test
    void runWithMissingConfigFileSaysSo() {
        String err = captureErr(() -> assertEquals(RunCommand.EXIT_CONFIG,
                new CommandLine(new Main()).execute("run", "--config", dir.resolve("nope.yaml").toString())));
        assertTrue(err.contains("does not exist"), err);
    }

    private static String capture(Runnable action) {
        return captureStream(System.out, System::setOut, action);
    }

    private static String captureErr(Runnable action) {
        return captureStream(System.err, System::setErr, action);
    }

    private static String captureStream(PrintStream original, java.util.function.Consumer<PrintStream> install,
                                        Runnable action) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        install.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            install.accept(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
