package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The .dcm files a gateway staged under incoming/ and quarantine/. */
public final class StagedFiles {
    private StagedFiles() {
    }

    public static List<Path> under(Path spool) throws IOException {
        List<Path> incoming = list(spool.resolve("incoming"));
        List<Path> quarantine = list(spool.resolve("quarantine"));
        return Stream.concat(incoming.stream(), quarantine.stream()).toList();
    }

    public static List<Path> list(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
    }

    /** True when {@code needle} occurs in {@code haystack}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
