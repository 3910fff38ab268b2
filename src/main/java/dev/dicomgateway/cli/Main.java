package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/dicom-gateway. */
@Command(name = "dicom-gateway", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Receives DICOM studies, de-identifies and stages them, and delivers them to cloud storage.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, QueryCommand.class, RetryCommand.class,
            ImportCommand.class,
            QuarantineCommand.class,
            LookupCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            VerifyCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        BoundedStandardError.install(); // first: no input may make the process write unbounded output
        System.exit(commandLine().execute(args));
    }

    /** The command line of every command; a configuration error, from any of them, is one line and exit status 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((exception, command, parsed) -> {
            if (exception instanceof ConfigException) {
                System.err.println(wrap("dicom-gateway: configuration error: " + exception.getMessage()));
                return RunCommand.EXIT_CONFIG;
            }
            throw exception;
        });
    }

    /**
     * {@code message} broken at spaces into lines that standard error keeps whole (it cuts a line at
     * {@link BoundedStandardError#MAX_LINE_CHARS}), continuation lines indented, so the fix at its end is read.
     */
    static String wrap(String message) {
        int width = BoundedStandardError.MAX_LINE_CHARS - 10;
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : message.split(" ")) {
            if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
                out.append("\n  ");
                lineStart = out.length() - 2;
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
