package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --config option every command shares, and loading the configuration with a clear error. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration merged over the built-in defaults (default: conf/gateway.yaml of the installation).")
    Path file;

    /** The configuration, or null after printing the error (exit with {@link RunCommand#EXIT_CONFIG}). */
    GatewayConfig load() {
        try {
            return GatewayConfig.load(RunCommand.configFile(file), System.getenv());
        } catch (ConfigException e) {
            System.err.println("dicom-gateway: configuration error: " + e.getMessage());
            return null;
        }
    }
}
