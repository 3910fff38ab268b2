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

    /** The configuration; a {@link ConfigException} is reported by {@link Main} and exits with {@link RunCommand#EXIT_CONFIG}. */
    GatewayConfig load() throws ConfigException {
        return GatewayConfig.load(RunCommand.configFile(file), System.getenv());
    }
}
