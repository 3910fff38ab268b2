package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.spool.Quarantine;
import dev.dicomgateway.spool.SpoolLayout;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code dicom-gateway quarantine list|show|release|purge}: review the instances held for possible burned-in text,
 * then let each one go on to delivery or delete it. Safe while the gateway runs (another process).
 */
@Command(name = "quarantine", description = "Review instances held in quarantine (possible burned-in text): list them, "
        + "render one to PNG, release reviewed ones for delivery, purge the rest.",
        subcommands = {QuarantineListCommand.class, QuarantineShowCommand.class, QuarantineReleaseCommand.class,
            QuarantinePurgeCommand.class})
public final class QuarantineCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The quarantine of the configured spool, for a command in its own process. */
    static Quarantine open(ConfigOption config) throws ConfigException {
        return new Quarantine(new SpoolLayout(config.loadWithExistingSpool().spool().dir()), Clock.systemUTC());
    }

    /** Who is acting, for the log and the audit file: the operating-system user. */
    static String user() {
        return System.getProperty("user.name", "unknown");
    }
}
