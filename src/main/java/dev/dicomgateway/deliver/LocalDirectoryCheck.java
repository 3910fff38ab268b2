package dev.dicomgateway.deliver;

import dev.dicomgateway.spool.WritableDirectory;
import java.io.IOException;
import java.nio.file.Path;

/** Whether a local directory takes a file (or can be created), with the key to fix named; creates nothing. */
final class LocalDirectoryCheck {
    private LocalDirectoryCheck() {
    }

    static CheckResult writable(String key, Path directory) {
        try {
            return CheckResult.ok(key, WritableDirectory.probe(directory, key));
        } catch (IOException e) {
            return CheckResult.failed(key, e.getMessage());
        }
    }
}
