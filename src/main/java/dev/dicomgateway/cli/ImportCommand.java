package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.deidentify.PassthroughDeidentifier;
import dev.dicomgateway.deidentify.ProfileDeidentifier;
import dev.dicomgateway.deidentify.SecretMismatchException;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.FolderImport;
import dev.dicomgateway.spool.ImportHandoff;
import dev.dicomgateway.spool.ImportSummary;
import dev.dicomgateway.spool.Spool;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.spool.SpoolLock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dicom-gateway import DIR}: de-identify and stage every DICOM file below DIR, as if received. With no gateway
 * on the spool the import owns it and stages the files itself; beside a running gateway it hands copies to the
 * gateway, which stages them, and waits for the outcome.
 */
@Command(name = "import", description = "De-identify and stage every DICOM file below DIR (sendit's folder mode, "
        + "back-filling an archive); the gateway seals and delivers them like received studies. Works with or "
        + "without a running gateway.")
public final class ImportCommand implements Callable<Integer> {
    static final int EXIT_SKIPPED = 3;

    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "DIR", description = "folder to import (read only)")
    Path folder;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.loadWithExistingSpool(); // a mistyped spool.dir would strand the studies
        if (!Files.isDirectory(folder)) {
            System.err.println("dicom-gateway: " + folder + " is not a directory");
            return RunCommand.EXIT_CONFIG;
        }
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        try {
            Optional<SpoolLock> alone = SpoolLock.tryAcquire(layout, "import");
            ImportSummary summary;
            if (alone.isPresent()) {
                try (SpoolLock lock = alone.get(); Spool spool = openSpool(settings, layout)) {
                    summary = new FolderImport(spool).importFolder(folder); // the spool closes before the lock goes
                }
                print(summary);
                System.out.println("no gateway runs on this spool: `dicom-gateway run` seals and delivers them when it starts");
            } else {
                summary = handToOwner(settings, layout);
                print(summary);
                System.out.println("the running gateway seals them after study.stableAfter and delivers them");
            }
            return summary.skipped().isEmpty() ? 0 : EXIT_SKIPPED;
        } catch (SecretMismatchException e) {
            System.err.println(Main.wrap("dicom-gateway: configuration error: " + e.getMessage()));
            return RunCommand.EXIT_CONFIG;
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: import failed: " + e.getMessage()));
            return RunCommand.EXIT_START;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("dicom-gateway: import interrupted; what was handed in is staged by the spool's owner");
            return RunCommand.EXIT_START;
        }
    }

    /**
     * Copies the files into the owner's inbox and waits while it stages them; if the owner stops meanwhile, takes the
     * spool and stages the rest here.
     */
    private ImportSummary handToOwner(GatewayConfig settings, SpoolLayout layout) throws IOException, InterruptedException {
        String owner = SpoolLock.owner(layout).orElse("");
        try (ImportHandoff handoff = ImportHandoff.handIn(layout, folder, Spool.limits(settings.dicom()),
                new DiskSpace(layout.root(), settings.spool().minFreeBytes()))) {
            System.out.println("spool " + layout.root() + " is owned by " + SpoolLock.describe(owner) + ": handed "
                    + handoff.handedIn() + " file(s) to it; waiting until it has staged them");
            while (true) {
                Optional<ImportSummary> staged = handoff.awaitStaged(remaining ->
                        System.out.println(remaining + " file(s) still to be staged"));
                if (staged.isPresent()) {
                    return staged.get();
                }
                Optional<SpoolLock> taken = SpoolLock.tryAcquire(layout, "import");
                if (taken.isPresent()) {
                    try (SpoolLock lock = taken.get(); Spool spool = openSpool(settings, layout)) {
                        System.out.println("the spool's owner stopped; this import stages the rest itself");
                        return handoff.stageHere(spool);
                    }
                }
            }
        }
    }

    /** The spool as its owner opens it (recovery included); only with its {@link SpoolLock} held. */
    private static Spool openSpool(GatewayConfig settings, SpoolLayout layout) throws IOException {
        layout.create();
        Clock clock = Clock.systemUTC();
        Deidentifier deidentifier = settings.deidentify().enabled()
                ? ProfileDeidentifier.open(settings.deidentify(), layout.privateArea(), clock)
                : PassthroughDeidentifier.open(settings.deidentify(), layout.privateArea());
        return Spool.open(settings, layout, new DiskSpace(layout.root(), settings.spool().minFreeBytes()),
                deidentifier, new SimpleMeterRegistry(), clock);
    }

    private void print(ImportSummary summary) {
        System.out.println("staged " + summary.staged() + " instance(s) from " + folder);
        summary.skipped().forEach((reason, count) -> System.out.println("skipped " + count + ": " + reason));
    }
}
