package dev.dicomgateway.deliver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a local directory exists (or can be created) and takes a file, with the key to fix named. */
final class LocalDirectoryCheck {
    private LocalDirectoryCheck() {
    }

    static CheckResult writable(String key, Path directory) {
        try {
            dev.dicomgateway.spool.DurableFiles.createDirectories(directory); // 0700, as delivery creates it
            Path probe = Files.createTempFile(directory, ".check-", ".tmp");
            Files.delete(probe);
            return CheckResult.ok(key, directory.toAbsolutePath() + " is writable");
        } catch (IOException e) {
            return CheckResult.failed(key, "cannot write " + directory.toAbsolutePath() + ": " + e.getMessage()
                    + " (set " + key + " to a directory the service user can write)");
        }
    }
}
