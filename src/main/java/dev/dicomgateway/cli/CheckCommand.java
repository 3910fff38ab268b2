package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.CheckResult;
import dev.dicomgateway.deliver.Destinations;
import dev.dicomgateway.receive.tls.PemCertificates;
import dev.dicomgateway.receive.tls.TlsMaterialException;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.SpoolLayout;
import dev.dicomgateway.spool.SpoolLock;
import dev.dicomgateway.spool.WritableDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dicom-gateway check}: validates the configuration and proves, with harmless operations, that the spool, the
 * secret and the configured destinations work — one line per check, with the fix for each failure.
 */
@Command(name = "check", description = "Validate the configuration and prove access to the spool and the destinations.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.load();
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.ok("configuration", "valid"));
        results.add(spool(settings));
        results.add(owner(settings));
        results.add(secret(settings));
        settings.dicom().tls().ifPresent(tls -> results.add(tlsCertificate(tls)));
        try {
            Destinations destinations = Destinations.fromConfig(settings);
            results.addAll(destinations.objects().check());
            results.addAll(destinations.metadata().check());
        } catch (IllegalArgumentException e) {
            results.add(CheckResult.failed("destinations", e.getMessage()));
        }
        boolean ok = true;
        for (CheckResult result : results) {
            System.out.printf("%-6s %-20s %s%n", result.ok() ? "ok" : "FAILED", result.subject(), result.detail());
            ok &= result.ok();
        }
        return ok ? 0 : 1;
    }

    /** Writable (or creatable: `run` creates it) and with spool.minFreeBytes free; creates nothing. */
    private static CheckResult spool(GatewayConfig settings) {
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        try {
            String writable = WritableDirectory.probe(layout.root(), "spool.dir");
            Path existing = layout.root();
            while (!Files.exists(existing)) {
                existing = existing.getParent(); // the probe found a writable ancestor
            }
            DiskSpace disk = new DiskSpace(existing, settings.spool().minFreeBytes());
            if (disk.isLow()) {
                return CheckResult.failed("spool", disk.usableBytes() + " bytes free at " + layout.root()
                        + ", below spool.minFreeBytes=" + settings.spool().minFreeBytes() + ": free space or lower the threshold");
            }
            return CheckResult.ok("spool", writable + ", " + disk.usableBytes() / (1 << 20) + " MiB free");
        } catch (IOException e) {
            return CheckResult.failed("spool", e.getMessage());
        }
    }

    /** Who owns the spool ({@code <spool.dir>/.lock}): a running gateway is fine, `run` would be refused. */
    private static CheckResult owner(GatewayConfig settings) {
        SpoolLayout layout = new SpoolLayout(settings.spool().dir());
        try {
            return CheckResult.ok("spool owner", SpoolLock.owner(layout)
                    .map(owner -> SpoolLock.describe(owner) + "; a second `run` on this spool is refused")
                    .orElse("none (no gateway runs on this spool)"));
        } catch (IOException e) {
            return CheckResult.failed("spool owner", "cannot read " + layout.root().resolve(SpoolLock.FILE_NAME) + ": "
                    + e.getMessage() + " (spool.dir; run as the service user)");
        }
    }

    /** The TLS port's server certificate (the configuration has already read and matched it with its key): its expiry. */
    private static CheckResult tlsCertificate(GatewayConfig.Tls tls) {
        try {
            java.time.Instant expiry = PemCertificates.read(tls.certificate()).get(0).getNotAfter().toInstant();
            long days = java.time.Duration.between(java.time.Instant.now(), expiry).toDays();
            return expiry.isBefore(java.time.Instant.now())
                    ? CheckResult.failed("dicom tls", tls.certificate() + " expired at " + expiry
                            + ": senders refuse it (renew dicom.tls.certificate and restart)")
                    : CheckResult.ok("dicom tls", "port " + tls.port() + ", client auth "
                            + tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT) + ", certificate expires " + expiry
                            + " (in " + days + (days == 1 ? " day)" : " days)"));
        } catch (TlsMaterialException e) {
            return CheckResult.failed("dicom tls", e.getMessage() + " (dicom.tls.certificate)");
        }
    }

    private static CheckResult secret(GatewayConfig settings) {
        if (!settings.deidentify().enabled()) {
            return CheckResult.ok("deidentify", "disabled (passthrough)");
        }
        var file = settings.deidentify().secretFile();
        try {
            if (!Files.exists(file)) {
                return CheckResult.ok("deidentify secret", file + " will be created on first start (back it up)");
            }
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            return mode.equals("rw-------") || mode.equals("r--------")
                    ? CheckResult.ok("deidentify secret", file + " present, mode " + mode)
                    : CheckResult.failed("deidentify secret", file + " is readable by others (" + mode + "): chmod 600 " + file);
        } catch (IOException e) {
            return CheckResult.failed("deidentify secret", "cannot read " + file + ": " + e.getMessage()
                    + " (deidentify.secretFile; run as the service user)");
        }
    }
}
