package dev.dicomgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Path key: relative in a file = relative to that file's directory; in a variable = to the working directory. */
class RelativePathsTest {
    @TempDir
    Path dir;

    @Test
    void relativePathsInAFileResolveAgainstItsDirectory() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(etc.resolve("gateway.yaml"), String.join("\n", "spool:", "  dir: spool",
                "deidentify:", "  secretFile: ../private/deidentify.key", "destination:", "  local:", "    dir: ./bucket",
                "metadata:", "  local:", "    dir: /abs/metadata", ""));
        GatewayConfig config = GatewayConfig.load(file, Map.of());
        assertEquals(etc.resolve("spool"), config.spool().dir());
        assertEquals(dir.resolve("private/deidentify.key"), config.deidentify().secretFile());
        assertEquals(etc.resolve("bucket"), config.destination().localDir());
        assertEquals(Path.of("/abs/metadata"), config.metadata().localDir());
    }

    @Test
    void relativePathsInVariablesResolveAgainstTheWorkingDirectory() throws Exception {
        GatewayConfig config = GatewayConfig.load(null, Map.of("DICOM_GATEWAY_SPOOL_DIR", "here/spool"));
        assertEquals(Path.of("here/spool").toAbsolutePath(), config.spool().dir());
    }

    @Test
    void theDefaultsResolveAgainstTheInstallationHome() throws Exception {
        String before = System.getProperty(InstallationHome.PROPERTY);
        System.setProperty(InstallationHome.PROPERTY, dir.toString());
        try {
            GatewayConfig config = GatewayConfig.load(null, Map.of());
            assertEquals(dir.resolve("var/spool"), config.spool().dir());
            assertEquals(dir.resolve("var/private/deidentify.key"), config.deidentify().secretFile());
            assertEquals(dir.resolve("var/bucket"), config.destination().localDir());
            assertEquals(dir.resolve("var/metadata"), config.metadata().localDir());
        } finally {
            if (before == null) {
                System.clearProperty(InstallationHome.PROPERTY);
            } else {
                System.setProperty(InstallationHome.PROPERTY, before);
            }
        }
    }
}
