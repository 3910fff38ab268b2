package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.spool.SpoolBackup;
import dev.dicomgateway.spool.SpoolLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway backup DIR}: the secret, the lookup table and the delivered-instance index, beside a running gateway. */
@Command(name = "backup", description = "Copy what the spool cannot be rebuilt without (the de-identification secret, "
        + "the re-identification table, the delivered-instance index) into a new directory DIR; safe while the "
        + "gateway runs. Keep DIR as confidential as the patient data.")
public final class BackupCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "a directory that does not exist yet")
    Path target;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.loadWithExistingSpool(); // else a "backup" of the secret alone, exit 0
        List<String> written;
        try {
            written = SpoolBackup.write(new SpoolLayout(settings.spool().dir()), settings.deidentify().secretFile(), target);
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: backup failed: " + e.getMessage()));
            return RunCommand.EXIT_START;
        }
        System.out.println("backup of " + settings.spool().dir() + " written to " + target + ": " + String.join(", ", written));
        System.out.println("it holds the secret and the original identifiers: keep it as confidential as the patient data");
        return 0;
    }
}
