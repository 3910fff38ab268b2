package dev.dicomgateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy (Debian's haproxy) in TCP mode on loopback in front of gateways: balances their DICOM ports round robin,
 * marks a gateway up or down by its /readyz, and answers its statistics (each backend server's status and current
 * sessions) as CSV on a port of its own. Started as a child process ({@code haproxy -f cfg -db}); {@link #close} stops it.
 */
public final class HaproxyProcess implements AutoCloseable {
    /** A gateway behind the balancer: its name in the statistics, its DICOM port and its operations (HTTP) port. */
    public record Backend(String name, int dicomPort, int httpPort) {
    }

    private final Process process;
    private final int port;
    private final int statsPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HaproxyProcess(Process process, int port, int statsPort, Path log) {
        this.process = process;
        this.port = port;
        this.statsPort = statsPort;
        this.log = log;
    }

    /** Writes the configuration to {@code directory}/haproxy.cfg and starts haproxy on it; waits until it listens. */
    public static HaproxyProcess start(Path directory, List<Backend> backends) throws IOException, InterruptedException {
        int port = GatewayProcess.freePort();
        int statsPort = GatewayProcess.freePort();
        Path config = Files.writeString(directory.resolve("haproxy.cfg"), config(port, statsPort, backends));
        Path log = directory.resolve("haproxy.log");
        Process process = new ProcessBuilder("haproxy", "-f", config.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HaproxyProcess haproxy = new HaproxyProcess(process, port, statsPort, log);
        haproxy.awaitListening();
        return haproxy;
    }

    /** The deployment's configuration, as the README shows it, with the test's ports and quick checks. */
    static String config(int port, int statsPort, List<Backend> backends) {
        StringBuilder servers = new StringBuilder();
        for (Backend backend : backends) {
            servers.append("    server ").append(backend.name()).append(" 127.0.0.1:").append(backend.dicomPort())
                    .append(" check port ").append(backend.httpPort()).append('\n');
        }
        return """
                global
                    maxconn 256

                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 10m
                    timeout server 10m
                    timeout check 1s
                    retries 3
                    option redispatch

                frontend dicom
                    bind 127.0.0.1:%d
                    default_backend gateways

                backend gateways
                    balance roundrobin
                    option httpchk GET /readyz
                    default-server inter 200ms fall 1 rise 1
                %s
                frontend stats
                    mode http
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(port, servers, statsPort);
    }

    /** The balancer's DICOM port. */
    public int port() {
        return port;
    }

    /** Each backend server's status ("UP", "DOWN" …) by name. */
    public Map<String, String> statuses() throws IOException, InterruptedException {
        return column("status");
    }

    /** Each backend server's current sessions (connections it carries now) by name. */
    public Map<String, Integer> sessions() throws IOException, InterruptedException {
        Map<String, Integer> sessions = new HashMap<>();
        column("scur").forEach((server, value) -> sessions.put(server, Integer.parseInt(value)));
        return sessions;
    }

    /** Waits at most {@code timeout} until {@code server} has status {@code status}. */
    public void awaitStatus(String server, String status, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!status.equals(statuses().get(server))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("haproxy: " + server + " not " + status + " within " + timeout + ": "
                        + statuses() + "; its log:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** One column of the backend's server rows in the CSV statistics. */
    private Map<String, String> column(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + statsPort + "/stats;csv")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        String[] lines = response.body().split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int server = header.indexOf("svname");
        int column = header.indexOf(name);
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (fields.length > column && fields[0].equals("gateways")
                    && !fields[server].equals("BACKEND") && !fields[server].equals("FRONTEND")) {
                values.put(fields[server], fields[column]);
            }
        }
        return values;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket probe = new Socket("127.0.0.1", statsPort)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("haproxy did not listen on " + statsPort + " within 10 s: " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: haproxy -db stops at once
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
