package dev.dicomgateway.config;

import java.nio.file.Path;

/**
 * Where the gateway is installed: the directory bin/dicom-gateway passes as {@code -Ddicomgateway.home} (a source
 * checkout, or /usr/share/dicom-gateway in the Debian package); the working directory when started without the
 * launcher (tests, an IDE). The built-in defaults' relative paths (./var/spool ...) are relative to it.
 */
public final class InstallationHome {
    /** The system property bin/dicom-gateway sets to the installation directory. */
    public static final String PROPERTY = "dicomgateway.home";

    private InstallationHome() {
    }

    public static Path directory() {
        String home = System.getProperty(PROPERTY);
        return Path.of(home == null || home.isBlank() ? "" : home).toAbsolutePath().normalize();
    }
}
