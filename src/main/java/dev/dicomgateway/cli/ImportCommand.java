package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.deidentify.PassthroughDeidentifier;
import dev.dicomgateway.deidentify.ProfileDeidentifier;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.FolderImport;
import dev.dicomgateway.spool.Spool;
import dev.dicomgateway.spool.SpoolLayout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway import DIR}: de-identify and stage every DICOM file below DIR, as if received. */
@Command(name = "import", description = "De-identify and stage every DICOM file below DIR (sendit's folder mode, "
        + "back-filling an archive); the gateway seals and delivers them like received studies.")
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "folder to import (read only)")
    Path folder;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.load();
        if (!Files.isDirectory(folder)) {
            System.err.println("dicom-gateway: " + folder + " is not a directory");
            return 2;
        }
        try {
            SpoolLayout layout = new SpoolLayout(settings.spool().dir());
            layout.create();
            Clock clock = Clock.systemUTC();
            Deidentifier deidentifier = settings.deidentify().enabled()
                    ? ProfileDeidentifier.open(settings.deidentify(), layout.privateArea(), clock)
                    : PassthroughDeidentifier.open(settings.deidentify(), layout.privateArea());
            Spool spool = Spool.open(settings, layout, new DiskSpace(layout.root(), settings.spool().minFreeBytes()),
                    deidentifier, new SimpleMeterRegistry(), clock);
            FolderImport.Summary summary = new FolderImport(spool).importFolder(folder);
            System.out.println("staged " + summary.staged() + " instance(s) from " + folder);
            summary.skipped().forEach((reason, count) -> System.out.println("skipped " + count + ": " + reason));
            System.out.println("the running gateway seals them after study.stableAfter and delivers them "
                    + "(or at its next start)");
            return summary.skipped().isEmpty() ? 0 : 3;
        } catch (IOException e) {
            System.err.println("dicom-gateway: import failed: " + e.getMessage());
            return 1;
        }
    }
}
