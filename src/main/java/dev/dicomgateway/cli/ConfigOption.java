package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.config.InstallationHome;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The --config option every command shares, and loading the configuration with a clear error. Without --config a
 * command reads the installation's file: the one named by {@code -Ddicomgateway.config} (the Debian package's launcher
 * names /etc/dicom-gateway/gateway.yaml), else conf/gateway.yaml of the installation home (a source checkout), else
 * only the built-in defaults. No choice depends on the working directory.
 */
final class ConfigOption {
    /** The system property naming the default configuration file (set by the packaged launcher). */
    static final String DEFAULT_FILE_PROPERTY = "dicomgateway.config";

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration merged over the built-in defaults (default: /etc/dicom-gateway/gateway.yaml "
                    + "when installed from the package, conf/gateway.yaml in a source checkout); relative paths in it "
                    + "are relative to its directory.")
    Path file;

    /** The configuration; a {@link ConfigException} is reported by {@link Main} and exits with {@link RunCommand#EXIT_CONFIG}. */
    GatewayConfig load() throws ConfigException {
        if (file != null) {
            return GatewayConfig.load(file, System.getenv());
        }
        String packaged = System.getProperty(DEFAULT_FILE_PROPERTY);
        if (packaged != null && !packaged.isBlank()) {
            Path installed = Path.of(packaged);
            if (!Files.exists(installed)) { // the package installs it, and dpkg does not bring back a deleted conffile
                throw new ConfigException("the configuration file " + installed + " does not exist (deleted?): get the "
                        + "packaged one back with `apt-get install --reinstall -o Dpkg::Options::=--force-confmiss "
                        + "dicom-gateway`, or pass --config FILE");
            }
            return GatewayConfig.load(installed, System.getenv());
        }
        // A checkout's conf/gateway.yaml is the built-in defaults' source, written relative to the checkout (./var/...).
        Path home = InstallationHome.directory();
        Path checkout = home.resolve("conf").resolve("gateway.yaml");
        return GatewayConfig.load(Files.isRegularFile(checkout) ? checkout : null, home, System.getenv());
    }

    /**
     * The configuration of a command that works on an existing spool (status, lookup, quarantine, retry, import, backup): a
     * spool.dir that does not exist is a configuration error (exit 2), not an empty spool (nor, for import, a new one
     * that no gateway delivers from).
     */
    GatewayConfig loadWithExistingSpool() throws ConfigException {
        GatewayConfig settings = load();
        Path spool = settings.spool().dir();
        if (!Files.isDirectory(spool)) {
            throw new ConfigException("spool.dir " + spool + " does not exist" + (Files.exists(spool) ? " as a directory" : "")
                    + ": point spool.dir (or --config) at the gateway's spool; `dicom-gateway run` creates it");
        }
        return settings;
    }
}
