package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.spool.Quarantine;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway quarantine release ID...}: reviewed instances join their study's delivery. */
@Command(name = "release", description = "Release reviewed instances: each moves into its study in incoming/ (a new "
        + "part if the study was delivered already) and is delivered like any other. Logged with your user name.")
public final class QuarantineReleaseCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "ids from `dicom-gateway quarantine list`")
    List<String> ids;

    @Override
    public Integer call() throws ConfigException {
        Quarantine quarantine = QuarantineCommand.open(config);
        String user = QuarantineCommand.user();
        int failures = 0;
        for (String id : ids) {
            try {
                Quarantine.Released released = quarantine.release(id, user);
                System.out.println("released " + id + " into study " + released.instance().entity() + "/"
                        + released.instance().item() + " by " + user + " (the running gateway delivers it after "
                        + "study.stableAfter, or at its next start)");
            } catch (IOException e) {
                System.err.println(Main.wrap("dicom-gateway: cannot release " + id + ": " + e.getMessage()));
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
