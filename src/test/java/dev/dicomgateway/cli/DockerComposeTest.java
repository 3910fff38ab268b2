package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dicomgateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container files, checked without a Docker engine: docker-compose 1.29 validates docker-compose.yml, every file
 * the compose file and the Dockerfile refer to exists in the repository, credentials are mounted read-only, the state
 * is on a named volume and no source is bind-mounted, the container's gateway.yaml is a valid configuration with the
 * Debian package's absolute paths, promtool accepts the Prometheus config, and Grafana's provisioning finds the dashboard.
 */
class DockerComposeTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path DOCKERIGNORE = Path.of(".dockerignore");
    private static final Path CONTAINER_CONFIG = Path.of("conf/docker/gateway.yaml");
    private static final Path PROMETHEUS = Path.of("conf/prometheus/prometheus.yml");
    private static final String STATE = "/var/lib/dicom-gateway";
    private static final String SECRETS = "./secrets";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?!--from)(\\S+)\\s+(\\S+)\\s*$");

    @Test
    void dockerComposeValidatesTheFile() throws Exception {
        Result config = run(List.of("docker-compose", "-f", COMPOSE.toString(), "config", "-q"),
                "install it with bin/install-prerequisites --test: Debian package docker-compose");
        assertEquals(0, config.exitCode(), config.output());
        assertEquals("", config.output().strip(), "no warnings either");
    }

    @Test
    void theServicesAreTheGatewayBuiltHerePrometheusAndGrafana() throws Exception {
        JsonNode services = compose().path("services");
        assertEquals(Set.of("dicom-gateway", "prometheus", "grafana"), names(services));
        assertEquals("Dockerfile", services.path("dicom-gateway").path("build").path("dockerfile").asText());
        assertEquals(".", services.path("dicom-gateway").path("build").path("context").asText());
        assertTrue(services.path("prometheus").path("image").asText().startsWith("prom/prometheus"));
        assertTrue(services.path("grafana").path("image").asText().startsWith("grafana/grafana"));
    }

    @Test
    void stateIsANamedVolumeSecretsAreReadOnlyAndNoSourceIsMounted() throws Exception {
        JsonNode compose = compose();
        Set<String> namedVolumes = names(compose.path("volumes"));
        List<String> problems = new ArrayList<>();
        boolean stateOnNamedVolume = false;
        boolean secretsMounted = false;
        for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
            for (JsonNode volume : service.getValue().path("volumes")) {
                String[] parts = volume.asText().split(":");
                String source = parts[0];
                String target = parts[1];
                boolean readOnly = parts.length > 2 && parts[2].equals("ro");
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    if (!namedVolumes.contains(source)) {
                        problems.add(service.getKey() + ": volume " + source + " is not declared under volumes:");
                    }
                    stateOnNamedVolume |= service.getKey().equals("dicom-gateway") && target.equals(STATE);
                    continue;
                }
                Path file = Path.of(source).normalize();
                if (source.equals(".") || source.equals("./") || file.startsWith("src") || file.startsWith("target")
                        || file.startsWith("bin")) {
                    problems.add(service.getKey() + " bind-mounts the source tree: " + volume.asText());
                }
                if (!Files.exists(file)) {
                    problems.add(service.getKey() + " mounts " + source + ", which is not in the repository");
                }
                if (!readOnly) {
                    problems.add(service.getKey() + " mounts " + source + " writable: bind mounts are :ro");
                }
                secretsMounted |= source.equals(SECRETS) && readOnly && service.getKey().equals("dicom-gateway");
                if (source.startsWith(SECRETS) && !service.getKey().equals("dicom-gateway")) {
                    problems.add(service.getKey() + " sees the gateway's secrets: " + volume.asText());
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(stateOnNamedVolume, "the spool's directory " + STATE + " is a named volume");
        assertTrue(secretsMounted, "./secrets is mounted read-only into the gateway");
        assertTrue(Files.isRegularFile(Path.of("secrets/README.md")), "secrets/ says what belongs in it");
        assertTrue(Files.readString(Path.of(".gitignore")).contains("secrets/*"), "secrets are never committed");
    }

    @Test
    void everyFileTheDockerfileCopiesExistsAndIsNotIgnored() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        List<String> ignore = Files.readAllLines(DOCKERIGNORE);
        assertTrue(ignore.contains("*"), ".dockerignore lets in only what the build needs");
        Matcher copy = COPY.matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            copies++;
            String source = copy.group(1).replaceAll("/$", "");
            assertTrue(Files.exists(Path.of(source)), "COPY " + source + ": not in the repository");
            assertTrue(ignore.stream().anyMatch(line -> line.replaceAll("/$", "").equals("!" + source)
                    || source.startsWith(line.substring(1).replaceAll("/$", "") + "/") && line.startsWith("!")),
                    "COPY " + source + " is excluded by .dockerignore");
        }
        assertTrue(copies >= 5, "COPY lines: " + copies);
        assertTrue(dockerfile.contains("COPY " + CONTAINER_CONFIG + " /etc/dicom-gateway/gateway.yaml"), dockerfile);
    }

    /**
     * `docker compose exec dicom-gateway dicom-gateway status` (or backup): a command without --config in the image must
     * read /etc/dicom-gateway/gateway.yaml, as in the package, and find the command on the PATH. The launcher picks that
     * default from the layout it finds itself in, so the image's layout is rebuilt here from the Dockerfile's COPY lines
     * (stand-in jars, a stand-in java that prints its arguments) and the launcher run in it. With the checkout layout
     * it read the built-in defaults: a spool under /usr/share/dicom-gateway/var.
     */
    @Test
    void aCommandInTheImageWithoutConfigReadsTheEtcFileAndIsOnThePath(@TempDir Path root) throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher built = Pattern.compile("(?m)^COPY\\s+--from=build\\s+/build/target/(\\S+)\\s+(\\S+)\\s*$").matcher(dockerfile);
        while (built.find()) {
            Path destination = root.resolve(built.group(2).substring(1));
            if (built.group(1).endsWith("/")) { // target/lib/: the dependencies, PixelMed among them
                Files.createDirectories(destination);
                Files.writeString(destination.resolve("pixelmed-20220618.jar"), "");
            } else {
                Files.createDirectories(destination.getParent());
                Files.writeString(destination, "");
            }
        }
        Matcher copy = COPY.matcher(dockerfile);
        while (copy.find()) {
            if (copy.group(1).equals("bin/dicom-gateway")) {
                Path launcher = root.resolve(copy.group(2).substring(1));
                Files.createDirectories(launcher.getParent());
                Files.copy(Path.of("bin/dicom-gateway"), launcher);
                assertTrue(launcher.toFile().setExecutable(true));
            }
        }
        Matcher onPath = Pattern.compile("ln -s (/usr/share/dicom-gateway/bin/dicom-gateway) /usr/bin/dicom-gateway")
                .matcher(dockerfile);
        assertTrue(onPath.find(), "dicom-gateway is on the image's PATH (/usr/bin), as in the package:\n" + dockerfile);
        Path launcher = root.resolve(onPath.group(1).substring(1));
        assertTrue(Files.isExecutable(launcher), "the launcher is copied to " + onPath.group(1));
        Path java = root.resolve("jdk/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "status").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.contains("-Ddicomgateway.config=/etc/dicom-gateway/gateway.yaml"),
                "the launcher in the image's layout makes /etc/dicom-gateway/gateway.yaml the default:\n" + output);
    }

    @Test
    void theImageIsDebianRunsAsItsOwnUserAndChecksReadiness() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        List<String> froms = lines(dockerfile, "FROM ");
        assertFalse(froms.isEmpty());
        froms.forEach(from -> assertTrue(from.startsWith("FROM debian:12-slim"), from));
        assertTrue(dockerfile.contains("openjdk-17-jre-headless libpixelmed-java"), "Debian's JRE and PixelMed");
        assertTrue(dockerfile.contains("mvn -B -q package -DskipTests"), "built by Maven in the build stage");
        List<String> users = lines(dockerfile, "USER ");
        assertEquals(List.of("USER dicom-gateway"), users);
        assertTrue(dockerfile.contains("VOLUME [\"" + STATE + "\"]"), dockerfile);
        GatewayConfig config = GatewayConfig.load(CONTAINER_CONFIG, Map.of());
        assertEquals(List.of("EXPOSE " + config.dicom().port() + " 2762 " + config.http().port()),
                lines(dockerfile, "EXPOSE "));
        String healthcheck = dockerfile.substring(dockerfile.indexOf("HEALTHCHECK"));
        assertTrue(healthcheck.contains("/dev/tcp/127.0.0.1/" + config.http().port()) && healthcheck.contains("/readyz"),
                healthcheck);
    }

    @Test
    void theContainersConfigurationIsValidAndKeepsStateUnderVarLib() throws Exception {
        GatewayConfig config = GatewayConfig.load(CONTAINER_CONFIG, Map.of());
        assertEquals(Path.of(STATE, "spool"), config.spool().dir());
        assertEquals(Path.of(STATE, "bucket"), config.destination().localDir());
        assertEquals(Path.of(STATE, "metadata"), config.metadata().localDir());
        assertEquals(Path.of("/run/secrets/dicom-gateway/deidentify.key"), config.deidentify().secretFile());
        assertEquals("0.0.0.0", config.http().bind(), "reachable by the prometheus container");
        assertEquals("json", config.log().format());
        JsonNode gateway = compose().path("services").path("dicom-gateway");
        assertTrue(names(gateway.path("ports")).isEmpty()); // a list, not a map
        List<String> ports = new ArrayList<>();
        gateway.path("ports").forEach(p -> ports.add(p.asText()));
        assertTrue(ports.contains("127.0.0.1:" + config.http().port() + ":" + config.http().port()),
                "metrics published on the host's loopback only: " + ports);
    }

    @Test
    void promtoolAcceptsThePrometheusConfigWhichScrapesTheGatewayAndLoadsTheAlerts() throws Exception {
        Result check = run(List.of("promtool", "check", "config", PROMETHEUS.toString()),
                "install it with bin/install-prerequisites --test: Debian package prometheus");
        assertEquals(0, check.exitCode(), check.output());
        JsonNode prometheus = YAML.readTree(PROMETHEUS.toFile());
        assertEquals("alerts.yml", prometheus.path("rule_files").path(0).asText());
        JsonNode job = prometheus.path("scrape_configs").path(0);
        assertEquals("dicom-gateway", job.path("job_name").asText(), "the job DicomGatewayDown selects");
        int httpPort = GatewayConfig.load(CONTAINER_CONFIG, Map.of()).http().port();
        assertEquals("dicom-gateway:" + httpPort, job.path("static_configs").path(0).path("targets").path(0).asText());
        Set<String> mounts = mounts("prometheus");
        assertTrue(mounts.contains("./conf/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"), mounts.toString());
        assertTrue(mounts.contains("./conf/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro"), mounts.toString());
    }

    @Test
    void grafanaProvisioningNamesThePrometheusServiceAndTheDashboardFile() throws Exception {
        JsonNode datasources = YAML.readTree(Path.of("conf/grafana/provisioning/datasources/prometheus.yml").toFile());
        assertEquals("http://prometheus:9090", datasources.path("datasources").path(0).path("url").asText());
        JsonNode dashboards = YAML.readTree(Path.of("conf/grafana/provisioning/dashboards/dicom-gateway.yml").toFile());
        String directory = dashboards.path("providers").path(0).path("options").path("path").asText();
        Set<String> mounts = mounts("grafana");
        String dashboardMount = "./conf/grafana/dicom-gateway.json:" + directory + "/dicom-gateway.json:ro";
        assertTrue(mounts.contains(dashboardMount), dashboardMount + " among " + mounts);
        assertEquals("dicom-gateway", new ObjectMapper().readTree(Path.of("conf/grafana/dicom-gateway.json").toFile())
                .path("uid").asText());
        assertTrue(mounts.contains("./conf/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro"));
        assertTrue(mounts.contains("./conf/grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro"));
    }

    private static JsonNode compose() throws IOException {
        return YAML.readTree(COMPOSE.toFile());
    }

    private static Set<String> mounts(String service) throws IOException {
        Set<String> mounts = new TreeSet<>();
        compose().path("services").path(service).path("volumes").forEach(v -> mounts.add(v.asText()));
        return mounts;
    }

    private static Set<String> names(JsonNode map) {
        Set<String> names = new TreeSet<>();
        map.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, String hint) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage() + " (" + hint + ")", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 60 s: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
