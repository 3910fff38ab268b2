package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.GatewayProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd/dicom-gateway.service, checked by systemd's own tools (systemd-analyze verify and security) and against
 * the exit statuses of the real gateway: a SIGTERM stop counts as success, a configuration error is not restarted.
 * systemd-analyze comes with the Debian package systemd (bin/install-prerequisites --test).
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("systemd/dicom-gateway.service");
    static final String INSTALLED_LAUNCHER = "/usr/bin/dicom-gateway";
    static final double MAX_EXPOSURE = 2.0;
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+) ");

    @TempDir
    Path dir;

    @Test
    void startsTheInstalledLauncherWithTheInstalledConfiguration() throws IOException {
        assertEquals(List.of(INSTALLED_LAUNCHER + " run --config /etc/dicom-gateway/gateway.yaml"),
                serviceValues("ExecStart"));
        assertEquals(List.of("dicom-gateway"), serviceValues("User"));
        assertEquals(List.of("dicom-gateway"), serviceValues("StateDirectory"));
    }

    /**
     * The .deb installs bin/dicom-gateway as /usr/bin/dicom-gateway, which does not exist on a build machine; verify
     * checks that ExecStart's command is executable, so the unit is verified with the repository's launcher there.
     */
    @Test
    void verifiesWithTheLauncherTheDebInstalls() throws Exception {
        Path launcher = Path.of("bin/dicom-gateway").toAbsolutePath();
        Result verify = analyze("verify", unitStartingWith(launcher).toString());
        assertEquals(0, verify.exitCode(), verify.output());
        assertEquals("", verify.output().strip());
    }

    @Test
    void verifyRefusesAUnitWhoseLauncherIsMissing() throws Exception {
        Result verify = analyze("verify", unitStartingWith(dir.resolve("no-such-launcher")).toString());
        assertTrue(verify.exitCode() != 0, verify.output());
        assertTrue(verify.output().contains("is not executable"), verify.output());
    }

    @Test
    void exposureIsBelowTwo() throws Exception {
        double exposure = exposureOf(UNIT);
        assertTrue(exposure < MAX_EXPOSURE, "exposure of " + UNIT + " is " + exposure + ", must stay below "
                + MAX_EXPOSURE + " (systemd-analyze security --offline=yes " + UNIT + " lists what is open)");
    }

    /** The score parsed is systemd's: a unit with no hardening at all is EXPOSED. */
    @Test
    void anUnhardenedUnitScoresAsExposed() throws Exception {
        Path bare = Files.writeString(dir.resolve("bare.service"), "[Service]\nExecStart=/bin/true\n");
        assertTrue(exposureOf(bare) > 9.0, String.valueOf(exposureOf(bare)));
    }

    /** The real gateway, stopped with SIGTERM as systemd stops it, ends with a status the unit counts as success. */
    @Test
    void sigtermEndsTheGatewayWithAStatusTheUnitCountsAsSuccess() throws Exception {
        Set<Integer> success = serviceValues("SuccessExitStatus").stream()
                .flatMap(value -> Arrays.stream(value.split("\\s+"))).map(Integer::valueOf)
                .collect(Collectors.toCollection(java.util.HashSet::new));
        success.add(0);
        GatewayProcess gateway = GatewayProcess.start(dir.resolve("spool"), dir.resolve("gateway.log"));
        gateway.close();
        assertTrue(success.contains(gateway.exitStatus()),
                "exit status " + gateway.exitStatus() + " after SIGTERM; the unit accepts " + success);
        assertEquals(0, gateway.exitStatus(), "a SIGTERM stop exits 0 (143 would mean the JVM's default handler ran)");
    }

    /** systemctl reload sends SIGHUP to the gateway (ConfigReload re-reads the configuration). */
    @Test
    void reloadSendsHangUpToTheMainProcess() throws IOException {
        assertEquals(List.of("/bin/kill -HUP $MAINPID"), serviceValues("ExecReload"));
    }

    /** systemd's SIGKILL must not come before the gateway's own bound, dicom.shutdownTimeout, plus the rest of the stop. */
    @Test
    void stopTimeoutExceedsTheShutdownTimeoutWithAMargin() throws Exception {
        java.time.Duration shutdown = dev.dicomgateway.config.GatewayConfig.load(Path.of("conf/gateway.yaml"),
                java.util.Map.of()).dicom().shutdownTimeout();
        List<String> stop = serviceValues("TimeoutStopSec");
        assertEquals(1, stop.size(), String.valueOf(stop));
        long stopSeconds = Long.parseLong(stop.get(0).replace("s", ""));
        assertTrue(stopSeconds >= shutdown.toSeconds() + 10, "TimeoutStopSec=" + stopSeconds + " must exceed "
                + "dicom.shutdownTimeout (" + shutdown.toSeconds() + "s) by at least 10s");
    }

    /** Exit 2 is a configuration error: Restart=on-failure would restart it forever, RestartPreventExitStatus stops. */
    @Test
    void aConfigurationErrorIsNotRestarted() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "spool:\n  directory: /tmp/x\n");
        int exit = Cli.execute("run", "--config", config.toString()).exitCode();
        assertEquals(RunCommand.EXIT_CONFIG, exit);
        assertEquals(List.of("on-failure"), serviceValues("Restart"));
        assertEquals(List.of(String.valueOf(exit)), serviceValues("RestartPreventExitStatus"));
    }

    /** The values of {@code key} in the unit's [Service] section, in order (a key may be given more than once). */
    static List<String> serviceValues(String key) throws IOException {
        List<String> values = new ArrayList<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                section = trimmed;
            } else if (section.equals("[Service]") && trimmed.startsWith(key + "=")) {
                values.add(trimmed.substring(key.length() + 1));
            }
        }
        return values;
    }

    private Path unitStartingWith(Path launcher) throws IOException {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("ExecStart=" + INSTALLED_LAUNCHER + " "), unit);
        return Files.writeString(dir.resolve("dicom-gateway.service"),
                unit.replace("ExecStart=" + INSTALLED_LAUNCHER + " ", "ExecStart=" + launcher + " "));
    }

    private static double exposureOf(Path unit) throws Exception {
        Result security = analyze("security", "--offline=yes", "--no-pager", unit.toString());
        assertEquals(0, security.exitCode(), security.output());
        Matcher matcher = EXPOSURE.matcher(security.output());
        assertTrue(matcher.find(), security.output());
        return Double.parseDouble(matcher.group(1));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result analyze(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("systemd-analyze"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("systemd-analyze not found: install the Debian package systemd "
                    + "(bin/install-prerequisites --test)", e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("systemd-analyze " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Result(process.exitValue(), output);
    }
}
