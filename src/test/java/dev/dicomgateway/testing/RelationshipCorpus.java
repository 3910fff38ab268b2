package dev.dicomgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

/**
 * The five instances of src/test/resources/deidentify/make_relationship_corpus.py: patient P1 with study A (series A1:
 * a1_1, a1_2; late series A2: a2_3, referencing a1_1) and study B (b_4); patient P2 with study C (c_5).
 */
public final class RelationshipCorpus {
    private RelationshipCorpus() {
    }

    /** Writes the corpus into {@code directory} and returns it. */
    public static Path make(Path directory) throws Exception {
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "src/test/resources/deidentify/make_relationship_corpus.py",
                directory.toString()));
        assertEquals(0, made.exitCode(), made.output());
        return directory;
    }
}
