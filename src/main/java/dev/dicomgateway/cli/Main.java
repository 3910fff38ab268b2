package dev.dicomgateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/dicom-gateway. */
@Command(name = "dicom-gateway", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Receives DICOM studies, de-identifies and stages them, and delivers them to cloud storage.",
        subcommands = {RunCommand.class, CheckCommand.class, StatusCommand.class, QueryCommand.class, RetryCommand.class,
            ImportCommand.class,
            LookupCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
