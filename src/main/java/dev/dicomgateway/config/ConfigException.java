package dev.dicomgateway.config;

/** A configuration problem; the message names the key, where its value came from, and what is accepted. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
