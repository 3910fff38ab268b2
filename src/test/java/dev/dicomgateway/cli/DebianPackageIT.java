package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The .deb that `mvn package` builds (target/dicom-gateway_VERSION_all.deb), installed with apt-get on this machine,
 * its service started the way systemd starts the installed unit (its ExecStart as its User with its UMask, working
 * directory and environment files), a study stored into it with dcmtk and delivered under /var/lib/dicom-gateway, then
 * removed (configuration kept) and purged (configuration gone, spool kept). Needs root; run by maven-failsafe-plugin in
 * `mvn verify` (after package). It installs and purges the package dicom-gateway: a machine where it is installed for
 * real is refused. Without root it fails in CI (the CI variable set) and is skipped elsewhere.
 */
class DebianPackageIT {
    private static final String PACKAGE = "dicom-gateway";
    private static final Path STATE = Path.of("/var/lib/dicom-gateway");
    private static final Path BACKUPS = Path.of("/var/backups/dicom-gateway");
    private static final Path CONFIG = Path.of("/etc/dicom-gateway/gateway.yaml");
    private static final Path ENVIRONMENT_FILE = Path.of("/etc/default/dicom-gateway");
    private static final Path UNIT = Path.of("/lib/systemd/system/dicom-gateway.service");
    /** Written into /var/lib/dicom-gateway after install: what this test may delete again. */
    private static final String MARKER = ".made-by-DebianPackageIT";

    @Test
    void installsRunsAsTheServiceDeliversAndRemovesKeepingTheSpool() throws Exception {
        requireRoot();
        Path deb = builtPackage();
        try (FileChannel channel = FileChannel.open(Path.of("/tmp/dicom-gateway-DebianPackageIT.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock serialized = channel.lock()) {
            removeLeftovers();
            try {
                apt("install", deb.toString());
                Files.writeString(STATE.resolve(MARKER), "");
                checkInstalledFiles();
                runTheServiceAndDeliver();
                aDeletedConfigurationFileDoesNotBreakAReinstall(deb);
                removeKeepsTheConfigurationAndPurgeKeepsTheSpool();
                purgeKeepsTheUserWhileItsBackupsExist(deb);
            } finally {
                removeLeftovers();
            }
        }
    }

    private static void requireRoot() throws Exception {
        String uid = run(List.of("id", "-u")).strip();
        String why = "DebianPackageIT installs a .deb: it needs root and apt-get (a throw-away Debian machine, as CI's)";
        if (!uid.equals("0")) {
            if (System.getenv("CI") != null) {
                fail(why + "; it runs as uid " + uid);
            }
            Assumptions.abort(why + "; skipped as uid " + uid);
        }
    }

    private static Path builtPackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("dicom-gateway_.+_all\\.deb")).toList();
            assertEquals(1, debs.size(), "one target/dicom-gateway_*_all.deb (built by mvn package): " + debs);
            return debs.get(0).toAbsolutePath();
        }
    }

    private static void checkInstalledFiles() throws Exception {
        Path launcher = Path.of("/usr/bin/dicom-gateway");
        assertTrue(Files.isSymbolicLink(launcher), "/usr/bin/dicom-gateway links to the launcher");
        assertEquals(Path.of("/usr/share/dicom-gateway/bin/dicom-gateway"), launcher.toRealPath());
        for (String file : List.of("/usr/share/dicom-gateway/dicom-gateway.jar", UNIT.toString(), CONFIG.toString(),
                "/usr/share/doc/dicom-gateway/README.md", "/usr/share/doc/dicom-gateway/copyright",
                "/usr/lib/sysusers.d/dicom-gateway.conf")) {
            assertTrue(Files.isRegularFile(Path.of(file)), file);
        }
        try (Stream<Path> lib = Files.list(Path.of("/usr/share/dicom-gateway/lib"))) {
            List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("picocli-")), jars.toString());
            assertFalse(jars.stream().anyMatch(j -> j.startsWith("pixelmed")), "PixelMed comes from libpixelmed-java");
        }
        String user = run(List.of("getent", "passwd", PACKAGE)).strip();
        assertTrue(user.startsWith("dicom-gateway:x:") && user.endsWith(":/usr/sbin/nologin"), user);
        assertTrue(run(List.of("getent", "group", PACKAGE)).startsWith("dicom-gateway:"), "the group exists");
        assertEquals(CONFIG.toString(), run(List.of("dpkg-query", "-W", "-f=${Conffiles}", PACKAGE)).strip().split(" ")[0],
                "the configuration is a conffile (kept on upgrade)");
        assertEquals("root:dicom-gateway 640", run(List.of("stat", "-c", "%U:%G %a", CONFIG.toString())).strip());
        assertEquals("dicom-gateway 700", run(List.of("stat", "-c", "%U %a", STATE.toString())).strip());
    }

    private static void runTheServiceAndDeliver() throws Exception {
        Map<String, List<String>> unit = serviceSection(Files.readString(UNIT));
        int dicomPort = freePort();
        int httpPort = freePort();
        Files.writeString(ENVIRONMENT_FILE, String.join("\n", "# written by DebianPackageIT",
                "DICOM_GATEWAY_DICOM_BIND=127.0.0.1", "DICOM_GATEWAY_DICOM_PORT=" + dicomPort,
                "DICOM_GATEWAY_HTTP_PORT=" + httpPort, "DICOM_GATEWAY_STUDY_STABLEAFTER=1s",
                "DICOM_GATEWAY_SPOOL_MINFREEBYTES=0", "DICOM_GATEWAY_SPOOL_RESERVEBYTES=1MiB", ""));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + one(unit, "User"),
                "--regid=" + one(unit, "Group"), "--init-groups", "--", "/bin/sh", "-c",
                "umask " + one(unit, "UMask") + " && exec \"$0\" \"$@\""));
        command.addAll(Arrays.asList(one(unit, "ExecStart").split(" ")));
        Path log = Files.createTempFile("dicom-gateway-service-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of(unit.getOrDefault("WorkingDirectory", List.of("/")).get(0)).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", STATE.toString(),
                "USER", PACKAGE, "LOGNAME", PACKAGE, "LANG", "C.UTF-8"));
        for (String assignment : unit.getOrDefault("Environment", List.of())) {
            put(builder.environment(), assignment);
        }
        for (String file : unit.getOrDefault("EnvironmentFile", List.of())) {
            Path path = Path.of(file.startsWith("-") ? file.substring(1) : file);
            if (Files.exists(path)) {
                for (String line : Files.readAllLines(path)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        put(builder.environment(), line);
                    }
                }
            }
        }
        Process service = builder.start();
        try {
            awaitReady(service, httpPort, log);
            Corpus.File ct = Corpus.files().stream().filter(f -> f.path().endsWith("CT_small.dcm")).findFirst().orElseThrow();
            Dcmtk.StoreReport store = Dcmtk.storescu(dicomPort, "DICOM-GATEWAY", ct.storescuFlag(), List.of(ct.path()));
            assertEquals(List.of(ct.path()), store.stored(), store.result().output());
            Path archive = awaitArchive(STATE.resolve("bucket"), log);
            assertEquals("dicom-gateway 600", run(List.of("stat", "-c", "%U %a", archive.toString())).strip(),
                    "written by the service user under UMask " + one(unit, "UMask"));
            String status = run(List.of("setpriv", "--reuid=" + PACKAGE, "--regid=" + PACKAGE, "--init-groups", "--",
                    "/usr/bin/dicom-gateway", "status"), Path.of("/"));
            assertTrue(status.contains("spool                     " + STATE.resolve("spool") + "\n"),
                    "status from / reads the installed configuration: " + status);
        } finally {
            service.destroy(); // SIGTERM, as systemctl stop
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor();
                fail("the service did not stop within 30 s of SIGTERM:\n" + Files.readString(log));
            }
        }
        List<String> success = new ArrayList<>(List.of("0"));
        unit.getOrDefault("SuccessExitStatus", List.of()).forEach(s -> success.addAll(Arrays.asList(s.split(" "))));
        assertTrue(success.contains(String.valueOf(service.exitValue())),
                "exit status " + service.exitValue() + " is a clean stop for the unit " + success + ":\n" + Files.readString(log));
        Files.delete(log);
    }

    /**
     * An administrator deleted the conffile: dpkg does not bring it back, and the postinst must not fail on it (it did:
     * chgrp on the missing file, the package left half-configured and apt refusing everything until it was fixed).
     * Commands then name the file and how to get it back; --force-confmiss does.
     */
    private static void aDeletedConfigurationFileDoesNotBreakAReinstall(Path deb) throws Exception {
        Files.delete(CONFIG);
        String reinstall = apt("--reinstall", "install", deb.toString());
        assertTrue(reinstall.contains("--force-confmiss"), "postinst says how to get the file back:\n" + reinstall);
        assertEquals("installed", run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE)).strip());
        String status = run(List.of("/usr/bin/dicom-gateway", "status"), Path.of("/"), true);
        assertTrue(status.contains(CONFIG + " does not exist") && status.contains("--force-confmiss"), status);
        apt("--reinstall", "-o", "Dpkg::Options::=--force-confmiss", "install", deb.toString());
        assertEquals("root:dicom-gateway 640", run(List.of("stat", "-c", "%U:%G %a", CONFIG.toString())).strip());
    }

    private static void removeKeepsTheConfigurationAndPurgeKeepsTheSpool() throws Exception {
        apt("remove", PACKAGE);
        assertFalse(Files.exists(Path.of("/usr/bin/dicom-gateway")), "remove takes the program");
        assertTrue(Files.isRegularFile(CONFIG), "remove keeps the configuration");
        String purge = apt("purge", PACKAGE);
        assertFalse(Files.exists(CONFIG), "purge takes the configuration");
        assertFalse(Files.exists(ENVIRONMENT_FILE), "purge takes /etc/default/dicom-gateway");
        assertTrue(purge.contains("/var/lib/dicom-gateway kept"), purge);
        assertFalse(Delivered.files(STATE.resolve("bucket"), ".tar.gz").isEmpty(), "purge keeps /var/lib/dicom-gateway");
        assertTrue(Files.isRegularFile(STATE.resolve("private/deidentify.key")), "and the secret in it");
    }

    /**
     * The README has backups written by the service user into /var/backups/dicom-gateway: with the spool gone, purge
     * must still keep the user, or a system user created later gets its uid and so the secret and identifiers.
     */
    private static void purgeKeepsTheUserWhileItsBackupsExist(Path deb) throws Exception {
        apt("install", deb.toString());
        run(List.of("install", "-d", "-m", "0700", "-o", PACKAGE, "-g", PACKAGE, BACKUPS.toString()));
        Files.writeString(BACKUPS.resolve(MARKER), "");
        run(List.of("rm", "-rf", STATE.toString()));
        String purge = apt("purge", PACKAGE);
        assertTrue(purge.contains(BACKUPS + " kept"), purge);
        assertTrue(run(List.of("getent", "passwd", PACKAGE), Path.of("/"), true).startsWith("dicom-gateway:"),
                "the user that owns the backups stays:\n" + purge);
    }

    /**
     * Purges what an earlier run of this test left; refuses a machine where dicom-gateway was installed otherwise (its
     * spool may hold undelivered studies).
     */
    private static void removeLeftovers() throws Exception {
        boolean installed = run(List.of("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE), Path.of("/"), true)
                .strip().matches("installed|config-files|half-configured|unpacked|half-installed");
        boolean ours = Files.exists(STATE.resolve(MARKER)) || Files.exists(BACKUPS.resolve(MARKER));
        if (Files.exists(BACKUPS) && !Files.exists(BACKUPS.resolve(MARKER))) {
            fail(BACKUPS + " exists, not made by this test: it may hold real backups; run it on a throw-away machine");
        }
        if ((installed || Files.exists(STATE)) && !ours) {
            fail("dicom-gateway is installed here or " + STATE + " exists, not made by this test: DebianPackageIT "
                    + "installs and purges the package; run it on a throw-away machine");
        }
        if (installed) {
            apt("purge", PACKAGE);
        }
        Files.deleteIfExists(ENVIRONMENT_FILE);
        run(List.of("rm", "-rf", STATE.toString(), BACKUPS.toString()));
        run(List.of("sh", "-c", "userdel dicom-gateway 2>/dev/null; groupdel dicom-gateway 2>/dev/null; true"));
    }

    private static String apt(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get",
                "-o", "DPkg::Lock::Timeout=120", "-y", "--no-install-recommends"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private static void awaitReady(Process service, int httpPort, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                fail("the service ended with " + service.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/readyz")
                        .toURL().openConnection();
                connection.setConnectTimeout(1000);
                if (connection.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("/readyz not 200 within 60 s:\n" + Files.readString(log));
    }

    private static Path awaitArchive(Path bucket, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Path> archives = Delivered.files(bucket, ".tar.gz");
            if (!archives.isEmpty()) {
                return archives.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no study archive under " + bucket + " within 30 s:\n" + Files.readString(log));
    }

    /** The [Service] settings of a unit file: name to values, in order (a setting may repeat). */
    static Map<String, List<String>> serviceSection(String unit) {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        boolean service = false;
        for (String line : unit.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                service = trimmed.equals("[Service]");
            } else if (service && !trimmed.isEmpty() && !trimmed.startsWith("#") && trimmed.contains("=")) {
                int equals = trimmed.indexOf('=');
                settings.computeIfAbsent(trimmed.substring(0, equals), k -> new ArrayList<>()).add(trimmed.substring(equals + 1));
            }
        }
        return settings;
    }

    private static String one(Map<String, List<String>> unit, String key) {
        List<String> values = unit.get(key);
        assertTrue(values != null && values.size() == 1, "one " + key + "= in the installed unit: " + values);
        return values.get(0);
    }

    private static void put(Map<String, String> environment, String assignment) {
        int equals = assignment.indexOf('=');
        environment.put(assignment.substring(0, equals).strip(), assignment.substring(equals + 1).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, null);
    }

    private static String run(List<String> command, Path cwd) throws IOException, InterruptedException {
        return run(command, cwd, false);
    }

    /** Runs {@code command} to its end (3 minutes at most) and returns its output; fails on an exit status but 0. */
    private static String run(List<String> command, Path cwd, boolean anyStatus) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish");
        }
        if (!anyStatus && process.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }
}
