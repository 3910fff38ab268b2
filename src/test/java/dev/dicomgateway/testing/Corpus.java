package dev.dicomgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The receive test corpus (see src/test/resources/corpus/make_corpus.py), built once into target/test-corpus. */
public final class Corpus {
    /** One corpus file and what the manifest says about it. */
    public record File(Path path, String transferSyntax, String storescuFlag, String sopInstanceUid,
                       String studyInstanceUid, String seriesInstanceUid) {
    }

    private static final Path DIRECTORY = Path.of("target", "test-corpus").toAbsolutePath();
    private static final int BIG_FILE_MEGABYTES = 96;
    private static List<File> files;

    private Corpus() {
    }

    public static synchronized List<File> files() throws IOException, InterruptedException {
        if (files == null) {
            Path manifest = DIRECTORY.resolve("corpus.tsv");
            if (!Files.exists(manifest)) {
                build();
            }
            List<File> loaded = new ArrayList<>();
            for (String line : Files.readAllLines(manifest)) {
                String[] f = line.split("\t", -1);
                loaded.add(new File(DIRECTORY.resolve(f[0]), f[1], f[2], f[3], f[4], f[5]));
            }
            files = List.copyOf(loaded);
        }
        return files;
    }

    private static void build() throws IOException, InterruptedException {
        Path script = Path.of("src", "test", "resources", "corpus", "make_corpus.py").toAbsolutePath();
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), DIRECTORY.toString(),
                String.valueOf(BIG_FILE_MEGABYTES)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("building the test corpus failed (needs python3-pydicom and dcmtk):\n" + output);
        }
    }
}
