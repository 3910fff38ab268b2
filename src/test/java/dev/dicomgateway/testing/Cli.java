package dev.dicomgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dicomgateway.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Runs bin/dicom-gateway commands in this JVM and captures what they print. */
public final class Cli {
    /** What a command printed, and its exit code. */
    public record Output(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    /** Runs the command, asserts it exits 0, returns its standard output. */
    public static String run(String... args) {
        Output output = execute(args);
        assertEquals(0, output.exitCode(), output.err());
        return output.out();
    }

    public static Output execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] exit = new int[1];
        capture(System.out, System::setOut, out, () -> capture(System.err, System::setErr, err,
                () -> exit[0] = Main.commandLine().execute(args)));
        return new Output(exit[0], out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void capture(PrintStream original, Consumer<PrintStream> install, ByteArrayOutputStream buffer,
                                Runnable action) {
        install.accept(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            install.accept(original);
        }
    }
}
