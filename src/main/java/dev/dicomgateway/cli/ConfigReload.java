package dev.dicomgateway.cli;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.config.RestartOnlyChanges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP ({@code systemctl reload dicom-gateway}): reads the same configuration file (and environment) again and, if it
 * is valid as a whole, applies dicom.allowedCallingAeTitles, dicom.allowedPeers and log.level; every other change is
 * named in the log as taking effect after a restart. An invalid file changes nothing. Each reload is counted in
 * dicom_gateway_config_reloads_total{result="applied|rejected"}.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final ConfigOption source;
    private final Gateway gateway;
    private final Consumer<String> logLevel;
    private final Counter applied;
    private final Counter rejected;
    /** As started: a restart-only change is named at every reload until the restart. */
    private final GatewayConfig running;

    ConfigReload(ConfigOption source, Gateway gateway, Consumer<String> logLevel, MeterRegistry registry) {
        this.source = source;
        this.gateway = gateway;
        this.logLevel = logLevel;
        this.running = gateway.config();
        this.applied = counter(registry, "applied");
        this.rejected = counter(registry, "rejected");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("dicom.gateway.config.reloads")
                .description("Configuration reloads (SIGHUP): applied, or rejected as invalid (the running one kept)")
                .tag("result", result).register(registry);
    }

    /** One reload; serialized, since each signal arrives on a thread of its own. */
    synchronized void reload() {
        GatewayConfig reloaded;
        try {
            reloaded = source.load();
        } catch (ConfigException | RuntimeException e) {
            rejected.increment();
            LOG.error("configuration reload rejected, the running configuration stays in effect: {} "
                    + "(fix the file and send SIGHUP again: systemctl reload dicom-gateway)", e.getMessage());
            return;
        }
        for (String key : RestartOnlyChanges.between(running, reloaded)) {
            LOG.warn("{} changed: takes effect after a restart", key);
        }
        gateway.apply(reloaded);
        logLevel.accept(reloaded.log().level());
        applied.increment();
        LOG.info("configuration reloaded: dicom.allowedCallingAeTitles={} dicom.allowedPeers={} log.level={} "
                        + "(associations already open keep what they were admitted under)",
                reloaded.dicom().allowedCallingAeTitles().isEmpty() ? "any" : reloaded.dicom().allowedCallingAeTitles(),
                reloaded.dicom().allowedPeers().isEmpty() ? "any" : reloaded.dicom().allowedPeers(), reloaded.log().level());
    }
}
