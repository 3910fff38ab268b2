package dev.dicomgateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code dicom-gateway version}: the gateway's version and the Java runtime it runs on. */
@Command(name = "version", description = "Print the gateway version and Java runtime.")
public final class VersionCommand implements Runnable {

    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
    }

    /** Reads the version Maven wrote at build time. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dicom-gateway " + gatewayVersion(),
                    "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }

        static String gatewayVersion() {
            Properties properties = new Properties();
            try (InputStream in = VersionCommand.class.getResourceAsStream("/dev/dicomgateway/version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return properties.getProperty("version", "unknown");
        }
    }
}
