package dev.dicomgateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.dicomgateway.config.GatewayConfig;
import org.slf4j.LoggerFactory;

/**
 * Applies the log.* keys to the gateway's one log appender (STDOUT of logback.xml): the root level, and for
 * log.format json the {@link JsonLineEncoder} in place of the text pattern. Called before the gateway's first line.
 */
final class StandardOutputLog {
    /** The appender's name in src/main/resources/logback.xml. */
    static final String APPENDER = "STDOUT";

    private StandardOutputLog() {
    }

    /** The root level (log.level), also what a reload changes. */
    static void applyLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
        }
    }

    static void apply(GatewayConfig.Log settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (a test harness): it keeps its own format
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        applyLevel(settings.level());
        if (settings.format().equals("json")
                && root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console) {
            JsonLineEncoder encoder = new JsonLineEncoder();
            encoder.setContext(context);
            encoder.start();
            console.stop();
            console.setEncoder(encoder);
            console.start();
        }
    }
}
