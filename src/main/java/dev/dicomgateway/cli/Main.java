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
                System.err.println("dicom-gateway: configuration error: " + exception.getMessage());
                return RunCommand.EXIT_CONFIG;
            }
            throw exception;
        });
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
