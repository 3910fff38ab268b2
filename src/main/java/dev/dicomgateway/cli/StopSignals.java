package dev.dicomgateway.cli;

import dev.dicomgateway.Gateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The signals {@code run} answers (docs/decisions.md, "Stop and reload signals"): SIGTERM and SIGINT stop the gateway
 * and the process then exits 0 (the JVM's own handler would exit 143 after its shutdown hooks); a second one cuts the
 * wait for associations in flight short; SIGHUP reloads the configuration. Handled with sun.misc.Signal (module
 * jdk.unsupported), which replaces the JVM's handlers, so no shutdown hook races the stop.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger stops = new AtomicInteger();
    private final AtomicReference<Gateway> gateway = new AtomicReference<>();
    /** Set while the gateway runs; a SIGHUP before that is remembered in {@link #reloadPending}, after it ignored. */
    private ConfigReload reload;
    private boolean reloadPending;
    private boolean stopping;

    private StopSignals() {
    }

    /** Takes over SIGTERM, SIGINT and SIGHUP from the JVM; call before the gateway starts. */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        Signal.handle(new Signal("TERM"), signals::stop);
        Signal.handle(new Signal("INT"), signals::stop);
        Signal.handle(new Signal("HUP"), signals::hangUp);
        return signals;
    }

    /** Blocks until SIGTERM or SIGINT; meanwhile SIGHUP runs {@code reload}. Then the caller closes the gateway. */
    void serve(Gateway running, ConfigReload configReload) {
        gateway.set(running);
        if (stops.get() > 1) { // signalled twice while starting
            running.cutStopShort();
        }
        boolean pending;
        synchronized (this) {
            reload = configReload;
            pending = reloadPending;
        }
        if (pending) { // SIGHUP while starting: the file may have changed after it was read
            configReload.reload();
        }
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            stopping = true; // a SIGHUP during the stop changes nothing any more
        }
    }

    private void stop(Signal signal) {
        if (stops.incrementAndGet() == 1) {
            LOG.info("SIG{} received: stopping (a second SIGTERM ends the wait for associations in flight at once)",
                    signal.getName());
            stopRequested.countDown();
            return;
        }
        LOG.warn("SIG{} received again: aborting the associations still in flight, then stopping", signal.getName());
        Gateway running = gateway.get();
        if (running != null) {
            running.cutStopShort();
        }
    }

    private void hangUp(Signal signal) {
        ConfigReload current;
        synchronized (this) {
            if (stopping) {
                LOG.warn("SIGHUP received while stopping: nothing reloaded");
                return;
            }
            if (reload == null) {
                reloadPending = true;
                LOG.info("SIGHUP received while starting: the configuration is reloaded once the gateway is ready");
                return;
            }
            current = reload;
        }
        current.reload();
    }
}
