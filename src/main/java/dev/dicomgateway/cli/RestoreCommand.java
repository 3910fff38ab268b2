package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.spool.SpoolRestore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway restore DIR}: puts a backup back, with the gateway stopped. */
@Command(name = "restore", description = "Put a backup written by `backup` back into the configured spool.dir and "
        + "deidentify.secretFile (the gateway must be stopped). Refuses to replace anything that differs from the backup.")
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "a directory written by `dicom-gateway backup`")
    Path backup;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.load();
        SpoolRestore.Result result;
        try {
            result = SpoolRestore.restore(backup, new SpoolLayout(settings.spool().dir()), settings.deidentify().secretFile());
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: restore failed: " + e.getMessage()));
            return RunCommand.EXIT_START;
        }
        System.out.println("restored into " + settings.spool().dir() + ": "
                + (result.restored().isEmpty() ? "nothing (already in place)" : String.join(", ", result.restored()))
                + (result.alreadyThere().isEmpty() ? "" : "; unchanged: " + String.join(", ", result.alreadyThere())));
        return 0;
    }
}
