package dev.dicomgateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The gateway as a separate process (bin/dicom-gateway's main class), so a test can SIGKILL it. */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int dicomPort;
    private final Path log;
    /** Whether {@link #process} was started by a wrapper command (strace, a shell), perhaps as its child. */
    private final boolean wrapped;

    private GatewayProcess(Process process, int dicomPort, Path log, boolean wrapped) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.log = log;
        this.wrapped = wrapped;
    }

    public static GatewayProcess start(Path spool, Path log, String... environment) throws IOException, InterruptedException {
        return start(Path.of(System.getProperty("java.home")), spool, log, environment);
    }

    /** Starts the gateway on the Java runtime under {@code javaHome}. */
    public static GatewayProcess start(Path javaHome, Path spool, Path log, String... environment)
            throws IOException, InterruptedException {
        return start(javaHome, null, spool, log, environment);
    }

    /** Starts the gateway under the file-creation mask {@code umask} (e.g. "000"), set by a shell that then execs java. */
    public static GatewayProcess startWithUmask(String umask, Path spool, Path log, String... environment)
            throws IOException, InterruptedException {
        return start(Path.of(System.getProperty("java.home")),
                List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""), spool, log, environment);
    }

    /**
     * Starts the gateway as the child of {@code wrapper} (e.g. {@code strace -f -o FILE --}), a command that runs the
     * java command line appended to it and ends when the gateway ends. {@link #close} stops the gateway itself.
     */
    public static GatewayProcess startUnder(List<String> wrapper, Path spool, Path log, String... environment)
            throws IOException, InterruptedException {
        return start(Path.of(System.getProperty("java.home")), wrapper, spool, log, environment);
    }

    /**
     * Starts {@code run --config config}: the file holds what a test changes and reloads (SIGHUP); the test settings
     * (ports, spool, destinations) stay DICOM_GATEWAY_* variables, which take precedence over the file.
     */
    public static GatewayProcess startWithConfig(Path config, Path spool, Path log, String... environment)
            throws IOException, InterruptedException {
        return start(Path.of(System.getProperty("java.home")), null, List.of("--config", config.toString()), spool, log,
                environment);
    }

    private static GatewayProcess start(Path javaHome, List<String> wrapper, Path spool, Path log, String... environment)
            throws IOException, InterruptedException {
        return start(javaHome, wrapper, List.of(), spool, log, environment);
    }

    private static GatewayProcess start(Path javaHome, List<String> wrapper, List<String> runArgs, Path spool, Path log,
                                        String... environment) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(javaHome, wrapper, runArgs, spool, log, environment);
            } catch (IOException e) {
                if (attempt == 3 || !e.getMessage().contains("Address already in use")) {
                    throw e; // only the free-port race (another process took it meanwhile) is retried
                }
            }
        }
    }

    private static GatewayProcess startOnce(Path javaHome, List<String> wrapper, List<String> runArgs, Path spool, Path log,
                                            String... environment) throws IOException, InterruptedException {
        int dicomPort = fixedDicomPort(environment).orElse(freePort());
        List<String> command = new java.util.ArrayList<>(wrapper == null ? List.of() : wrapper);
        command.addAll(List.of(
                javaHome.resolve("bin").resolve("java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.dicomgateway.cli.Main", "run"));
        command.addAll(runArgs);
        ProcessBuilder builder = configure(new ProcessBuilder(command), spool, dicomPort, environment);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        GatewayProcess gateway = new GatewayProcess(builder.start(), dicomPort, log, wrapper != null);
        try {
            gateway.awaitListening(Duration.ofSeconds(30));
        } catch (IOException e) {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            throw new IOException(e.getMessage() + "; end of its log:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())), e);
        }
        return gateway;
    }

    /**
     * The settings of a test gateway on {@code spool} (loopback, {@code dicomPort}, an ephemeral HTTP port, bucket and
     * metadata beside the spool) plus {@code environment}, as DICOM_GATEWAY_* variables of {@code builder}.
     */
    static ProcessBuilder configure(ProcessBuilder builder, Path spool, int dicomPort, String... environment) {
        builder.environment().put("DICOM_GATEWAY_DICOM_BIND", "127.0.0.1");
        builder.environment().put("DICOM_GATEWAY_DICOM_PORT", String.valueOf(dicomPort));
        builder.environment().put("DICOM_GATEWAY_HTTP_PORT", "0");
        builder.environment().put("DICOM_GATEWAY_DICOM_SHUTDOWNTIMEOUT", "5s"); // below close()'s 15 s before SIGKILL
        builder.environment().put("DICOM_GATEWAY_SPOOL_DIR", spool.toString());
        builder.environment().put("DICOM_GATEWAY_SPOOL_MINFREEBYTES", "0");
        builder.environment().put("DICOM_GATEWAY_SPOOL_RESERVEBYTES", "1MiB"); // real, but not 64 MiB per test
        builder.environment().put("DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", spool.resolve("private/deidentify.key").toString());
        builder.environment().put("DICOM_GATEWAY_DESTINATION_LOCAL_DIR", TestGateway.bucketOf(spool).toString());
        builder.environment().put("DICOM_GATEWAY_METADATA_LOCAL_DIR", TestGateway.metadataOf(spool).toString());
        for (int i = 0; i < environment.length; i += 2) {
            builder.environment().put(environment[i], environment[i + 1]);
        }
        return builder;
    }

    public int dicomPort() {
        return dicomPort;
    }

    /** The operating system's id of the gateway process. */
    public long pid() {
        return process.pid();
    }

    /** The operations port, as the last "gateway … ready" line of its log names it (started with http.port 0). */
    public int httpPort() throws IOException, InterruptedException {
        java.util.regex.Pattern ready = java.util.regex.Pattern.compile(" ready: .* http_port=(\\d+) ");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher matcher = ready.matcher(java.nio.file.Files.readString(log));
            int port = -1;
            while (matcher.find()) {
                port = Integer.parseInt(matcher.group(1));
            }
            if (port > 0) {
                return port;
            }
            Thread.sleep(50);
        }
        throw new IOException("no \"ready\" line with http_port in " + log);
    }

    /** How the process ended, after {@link #close} (SIGTERM: 0, a clean stop) or {@link #kill}. */
    public int exitStatus() {
        return process.exitValue();
    }

    /** Sends signal {@code name} ("TERM", "HUP" …) to the gateway and returns at once. */
    public void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + exit);
        }
    }

    /** Waits at most {@code timeout} for the process to end; its exit status, or an AssertionError naming the wait. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("gateway process " + process.pid() + " still running " + timeout + " after the signal");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly); // a wrapper's SIGKILL would leave the gateway running
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            List<ProcessHandle> children = wrapped ? process.children().toList() : List.of();
            if (!children.isEmpty()) {
                children.forEach(ProcessHandle::destroy); // the gateway (under strace); its wrapper ends when it has
            } else { // also a wrapper that exec'd java (the umask shell): the process is the gateway
                process.destroy();
            }
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway process exited with " + process.exitValue());
            }
            try (Socket probe = new Socket("127.0.0.1", dicomPort)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("gateway process did not listen on " + dicomPort + " within " + timeout);
    }

    /** DICOM_GATEWAY_DICOM_PORT among {@code environment}: a port the test fixed (a load balancer's backend). */
    private static java.util.Optional<Integer> fixedDicomPort(String... environment) {
        for (int i = 0; i < environment.length; i += 2) {
            if (environment[i].equals("DICOM_GATEWAY_DICOM_PORT")) {
                return java.util.Optional.of(Integer.parseInt(environment[i + 1]));
            }
        }
        return java.util.Optional.empty();
    }

    /** A port free at the moment of the call, on loopback. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
