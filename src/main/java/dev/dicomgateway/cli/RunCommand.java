package dev.dicomgateway.cli;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.SecretMismatchException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dicom-gateway run [--config FILE]}: starts the gateway and serves until SIGTERM/SIGINT. */
@Command(name = "run", description = "Start the gateway (DICOM listener, spool, operations endpoint).")
public final class RunCommand implements Callable<Integer> {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws ConfigException {
        // first: a SIGHUP (systemctl reload right after start) or SIGTERM while the configuration loads is remembered,
        // not the JVM's default (exit 129 / 143)
        StopSignals signals = StopSignals.install();
        GatewayConfig settings = config.load();
        StandardOutputLog.apply(settings.log());
        Gateway gateway;
        try {
            gateway = Gateway.start(settings);
        } catch (SecretMismatchException e) { // another secret than the spool's: fix deidentify.secretFile or restore it
            System.err.println("dicom-gateway: configuration error: " + e.getMessage()); // lines of its own
            return EXIT_CONFIG;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(Main.wrap("dicom-gateway: cannot start: " + e.getMessage()));
            return EXIT_START;
        }
        ConfigReload reload = new ConfigReload(config, gateway, StandardOutputLog::applyLevel, gateway.registry());
        signals.serve(gateway, reload);
        gateway.close();
        return 0; // a clean stop, whichever signal asked for it (SuccessExitStatus=143: a SIGTERM before install())
    }
}
