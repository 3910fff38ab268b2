package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bin/dicom-gateway command ({@code run}, {@code import}, {@code check} …) as a process of its own, with the settings
 * of a {@link GatewayProcess} on the same spool, so a test can watch, stop (SIGSTOP), resume or SIGKILL it.
 */
public final class GatewayCommand implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private GatewayCommand(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code args} on {@code spool}; {@code environment} are more DICOM_GATEWAY_* name/value pairs. */
    public static GatewayCommand start(Path spool, Path work, List<String> args, String... environment) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.dicomgateway.cli.Main"));
        command.addAll(args);
        Path out = Files.createTempFile(work, args.get(0) + "-", ".out");
        Path err = Files.createTempFile(work, args.get(0) + "-", ".err");
        ProcessBuilder builder = GatewayProcess.configure(new ProcessBuilder(command), spool, GatewayProcess.freePort(),
                environment);
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new GatewayCommand(builder.start(), out, err);
    }

    /** Runs {@code args} to its end (at most {@code timeout}) and returns its exit code and output. */
    public static Cli.Output run(Path spool, Path work, Duration timeout, List<String> args, String... environment)
            throws IOException, InterruptedException {
        try (GatewayCommand command = start(spool, work, args, environment)) {
            return command.await(timeout);
        }
    }

    /** Waits for the end (killing it after {@code timeout}, which fails the caller's expectations loudly). */
    public Cli.Output await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("command did not end within " + timeout + "; its output:\n" + out() + err());
        }
        return new Cli.Output(process.exitValue(), out(), err());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    public String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** SIGSTOP: the process stays alive (its locks held) but does nothing until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** SIGKILL: no shutdown hook, no clean-up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " exited " + exit);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                resume(); // a paused process would not see SIGTERM's hook run
            } catch (IOException e) {
                // gone meanwhile
            }
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
