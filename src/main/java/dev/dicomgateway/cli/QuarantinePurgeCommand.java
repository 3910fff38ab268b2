package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.ConfigValues;
import dev.dicomgateway.spool.Quarantine;
import dev.dicomgateway.spool.QuarantinedInstance;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway quarantine purge ID... | --older-than DURATION}: delete quarantined instances for good. */
@Command(name = "purge", description = "Delete quarantined instances (and their reason files) for good: the given ids, "
        + "or every one received longer ago than DURATION. Logged with your user name.")
public final class QuarantinePurgeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "ID", arity = "1..*", description = "ids from `dicom-gateway quarantine list`")
        List<String> ids;

        @Option(names = "--older-than", paramLabel = "DURATION",
                description = "every instance received longer ago than this (as in the configuration: 12h, 30d)")
        String olderThan;
    }

    @Override
    public Integer call() throws ConfigException {
        Quarantine quarantine = QuarantineCommand.open(config);
        String user = QuarantineCommand.user();
        if (target.olderThan != null) {
            Duration age;
            try {
                age = ConfigValues.parseDuration(target.olderThan);
            } catch (IllegalArgumentException e) {
                System.err.println("dicom-gateway: --older-than " + target.olderThan
                        + ": not a duration (use the configuration's form: 500ms, 60s, 5m, 2h, 30d)");
                return 2;
            }
            try {
                List<QuarantinedInstance> purged = quarantine.purgeOlderThan(age, user);
                purged.forEach(instance -> System.out.println("purged " + instance.id() + " (received "
                        + instance.receivedAt() + ") by " + user));
                System.out.println("purged " + purged.size() + " instance(s) received more than " + target.olderThan + " ago");
                return 0;
            } catch (IOException e) {
                System.err.println(Main.wrap("dicom-gateway: cannot purge the quarantine: " + e.getMessage()));
                return 1;
            }
        }
        int failures = 0;
        for (String id : target.ids) {
            try {
                quarantine.purge(id, user);
                System.out.println("purged " + id + " by " + user);
            } catch (IOException e) {
                System.err.println(Main.wrap("dicom-gateway: cannot purge " + id + ": " + e.getMessage()));
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
