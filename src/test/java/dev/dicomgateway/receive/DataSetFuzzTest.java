package dev.dicomgateway.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.dicom.FileMetaInformation;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.LogCapture;
import dev.dicomgateway.testing.Part10;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, reproducible fuzzing of the receive path with mutants of real files (pydicom's corpus, one seed per
 * transfer syntax): bit flips, overwritten bytes and lengths, truncation, stray delimiters and padding, deleted and
 * duplicated runs, deep nesting; deflated seeds mutated before and after deflating. For every mutant answered
 * Success, what is staged must be what was sent — byte for byte without de-identification, and with the same pixel
 * data (as pydicom, an independent parser, reads both files) with it. No association may die, and the gateway
 * writes a bounded amount of log and standard error per request.
 */
class DataSetFuzzTest {
    private static final long SEED = 20_261_201L;
    private static final int MUTANTS_PER_SEED = 24;
    private static final int MAX_SEED_BYTES = 700_000;
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";

    /** Prints "name sha256-of-PixelData" for each file, "-" without pixel data, "unparseable" when pydicom fails. */
    private static final String PYDICOM_PIXELS = String.join("\n",
            "import sys, hashlib, pydicom",
            "for path in sys.argv[1:]:",
            "    try:",
            "        ds = pydicom.dcmread(path)",
            "        raw = ds.get('PixelData')",
            "        print(path, '-' if raw is None else hashlib.sha256(raw).hexdigest())",
            "    except Exception as e:",
            "        print(path, 'unparseable')");

    @TempDir
    Path root;

    private record Seed(String name, String sopClassUid, String transferSyntax, String sopInstanceUid, byte[] dataSet) {
    }

    private record Mutant(Seed seed, int index, String operator, byte[] dataSet) {
        String name() {
            return String.format("%03d-%s-%s", index, seed.name().replace(".dcm", ""), operator);
        }
    }

    @Test
    void noSuccessStagesAnythingButWhatWasSentAndNoMutantKillsAThread() throws Exception {
        List<Seed> seeds = seeds();
        assertTrue(seeds.stream().map(Seed::transferSyntax).distinct().count() >= 8, "seeds in several transfer syntaxes");
        List<Mutant> mutants = mutate(seeds, new Random(SEED));

        ByteCounter standardError = new ByteCounter(System.err);
        PrintStream originalError = System.err;
        System.setErr(new PrintStream(standardError, true));
        Map<Mutant, StoreCall.Answer> passthrough;
        Map<Mutant, Path> stagedDeidentified = new LinkedHashMap<>();
        Map<Mutant, StoreCall.Answer> deidentified;
        long logCharacters;
        try (LogCapture log = new LogCapture()) {
            Path plain = root.resolve("plain");
            try (Gateway gateway = TestGateway.startPassthrough(plain)) {
                passthrough = sendAll(gateway, mutants, null, null);
                assertStillHealthy(gateway);
            }
            assertStagedAreSuccesses(plain, passthrough);

            Path deid = root.resolve("deid");
            try (Gateway gateway = TestGateway.start(deid, "DICOM_GATEWAY_DEIDENTIFY_QUARANTINE_ENABLED", "false")) {
                deidentified = sendAll(gateway, mutants, deid.resolve("incoming"), stagedDeidentified);
                assertStillHealthy(gateway);
            }
            logCharacters = log.text().length();
        } finally {
            System.setErr(originalError);
        }
        long successes = passthrough.values().stream().filter(StoreCall.Answer::success).count();
        long refusals = passthrough.values().stream().filter(a -> a.status() == 0xC000).count();
        System.out.printf("fuzz: %d mutants of %d seeds: %d Success, %d refused 0xC000 (passthrough); %d Success "
                        + "de-identifying; %d log characters, %d bytes of standard error%n", mutants.size(), seeds.size(),
                successes, refusals, stagedDeidentified.size(), logCharacters, standardError.count());
        assertTrue(successes > 20 && refusals > 50, "the mutants exercise both answers");
        assertTrue(logCharacters / mutants.size() < 2_000, "log characters per request: " + logCharacters / mutants.size());
        assertTrue(standardError.count() < 64 * 1024, "standard error: " + standardError.count() + " bytes");
        assertPixelDataKept(stagedDeidentified);
        assertTrue(deidentified.values().stream().allMatch(a -> a.success() || a.status() >= 0xA000 || a.status() == 0x0122),
                "every refusal is a failure status");
    }

    /** Every file staged without de-identification holds exactly the data set of a mutant answered Success. */
    private static void assertStagedAreSuccesses(Path spool, Map<Mutant, StoreCall.Answer> answers) throws Exception {
        Set<String> succeeded = new HashSet<>();
        for (Map.Entry<Mutant, StoreCall.Answer> entry : answers.entrySet()) {
            if (entry.getValue().success()) {
                succeeded.add(sha256(entry.getKey().dataSet()));
            }
        }
        List<Path> staged = StagedFiles.under(spool);
        assertTrue(!staged.isEmpty());
        for (Path file : staged) {
            assertTrue(succeeded.contains(Part10.dataSetDigest(file)), file + " holds a data set nobody was told was stored");
        }
    }

    /** For each mutant stored while de-identifying: pydicom finds the same pixel data in what was sent and what was staged. */
    private void assertPixelDataKept(Map<Mutant, Path> staged) throws Exception {
        Path pairs = Files.createDirectories(root.resolve("pairs"));
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", PYDICOM_PIXELS));
        for (Map.Entry<Mutant, Path> entry : staged.entrySet()) {
            Mutant mutant = entry.getKey();
            Path sent = pairs.resolve(mutant.name() + ".sent.dcm");
            byte[] meta = new FileMetaInformation(mutant.seed().sopClassUid(), mutant.seed().sopInstanceUid(),
                    mutant.seed().transferSyntax(), "FUZZ").encode();
            byte[] file = Arrays.copyOf(meta, meta.length + mutant.dataSet().length);
            System.arraycopy(mutant.dataSet(), 0, file, meta.length, mutant.dataSet().length);
            Files.write(sent, file);
            command.add(sent.toString());
            command.add(entry.getValue().toString());
        }
        Dcmtk.Result result = Dcmtk.run(command);
        assertEquals(0, result.exitCode(), result.output());
        Map<String, String> pixels = new HashMap<>();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("/")) {
                int space = line.lastIndexOf(' ');
                pixels.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<Mutant, Path> entry : staged.entrySet()) {
            String sent = pixels.get(pairs.resolve(entry.getKey().name() + ".sent.dcm").toString());
            String kept = pixels.get(entry.getValue().toString());
            if ("unparseable".equals(kept) || kept == null) {
                problems.add(entry.getKey().name() + ": the staged file is not readable by pydicom");
            } else if (sent != null && sent.length() == 64) {
                compared++;
                if (!sent.equals(kept)) {
                    problems.add(entry.getKey().name() + ": pixel data sent " + sent + ", staged " + kept);
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(compared > 10, "pixel data compared for " + compared + " mutants");
    }

    private static void assertStillHealthy(Gateway gateway) throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(gateway.dicomPort(), TestGateway.AE_TITLE, "ECHOSCU");
        assertEquals(0, echo.exitCode(), echo.output());
        String metrics = gateway.registry().scrape();
        List<String> ended = metrics.lines().filter(l -> l.startsWith("dicom_gateway_associations_total{")).toList();
        assertTrue(ended.stream().allMatch(l -> l.contains("result=\"released\"") || l.endsWith(" 0.0")),
                "every association was released, none died: " + ended);
    }

    /** Sends every mutant on one association per seed; with {@code incoming}, records which file each Success staged. */
    private static Map<Mutant, StoreCall.Answer> sendAll(Gateway gateway, List<Mutant> mutants, Path incoming,
                                                         Map<Mutant, Path> staged) throws Exception {
        Map<Mutant, StoreCall.Answer> answers = new LinkedHashMap<>();
        Map<Path, Object> known = new HashMap<>();
        RawScu scu = null;
        Seed current = null;
        int messageId = 0;
        try {
            for (Mutant mutant : mutants) {
                if (mutant.seed() != current) {
                    if (scu != null) {
                        StoreCall.release(scu);
                    }
                    current = mutant.seed();
                    scu = StoreCall.associate(gateway.dicomPort(), current.sopClassUid(), current.transferSyntax());
                }
                StoreCall.Answer answer = StoreCall.store(scu, ++messageId, current.sopClassUid(),
                        current.sopInstanceUid(), mutant.dataSet());
                answers.put(mutant, answer);
                if (answer.success() && incoming != null) {
                    staged.put(mutant, newlyStaged(incoming, known, mutant.name()));
                }
            }
            StoreCall.release(scu);
            scu = null;
        } finally {
            if (scu != null) {
                scu.close();
            }
        }
        return answers;
    }

    /** The one staged file that is new or replaced since the last call (a replaced file is a new inode). */
    private static Path newlyStaged(Path incoming, Map<Path, Object> known, String name) throws IOException {
        Path found = null;
        for (Path file : StagedFiles.list(incoming)) {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (!key.equals(known.put(file, key))) {
                found = file;
            }
        }
        if (found == null) {
            throw new AssertionError("Success answered but nothing new staged under " + incoming);
        }
        Path copy = incoming.getParent().resolveSibling(incoming.getParent().getFileName() + "-kept")
                .resolve(name + ".staged.dcm");
        Files.createDirectories(copy.getParent());
        return Files.copy(found, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<Seed> seeds() throws Exception {
        Map<String, Seed> byTransferSyntax = new LinkedHashMap<>();
        for (Corpus.File file : Corpus.files()) {
            if (Files.size(file.path()) > MAX_SEED_BYTES || byTransferSyntax.containsKey(file.transferSyntax())) {
                continue;
            }
            byTransferSyntax.put(file.transferSyntax(), new Seed(file.path().getFileName().toString(),
                    Part10.metaText(file.path(), 0x0002), file.transferSyntax(), file.sopInstanceUid(),
                    Part10.dataSet(file.path())));
        }
        return List.copyOf(byTransferSyntax.values());
    }

    private static List<Mutant> mutate(List<Seed> seeds, Random random) throws IOException {
        List<Mutant> mutants = new ArrayList<>();
        for (Seed seed : seeds) {
            boolean deflated = DEFLATED.equals(seed.transferSyntax());
            byte[] plain = deflated ? inflate(seed.dataSet()) : seed.dataSet();
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
                int operator = random.nextInt(9);
                if (deflated && random.nextBoolean()) { // the compressed bytes themselves
                    byte[] compressed = seed.dataSet().clone();
                    int at = random.nextInt(compressed.length);
                    boolean cut = random.nextBoolean();
                    byte[] changed = cut ? Arrays.copyOf(compressed, at) : flip(compressed, at, random);
                    mutants.add(new Mutant(seed, mutants.size(), cut ? "deflate-cut" : "deflate-flip", changed));
                    continue;
                }
                byte[] changed = apply(operator, plain, random);
                mutants.add(new Mutant(seed, mutants.size(), OPERATORS[operator], deflated ? DataSets.deflate(changed) : changed));
            }
        }
        return mutants;
    }

    private static final String[] OPERATORS = {"flip", "byte", "truncate", "stray", "length", "delete", "duplicate",
            "nest", "flip-anywhere"};

    private static byte[] apply(int operator, byte[] data, Random random) {
        int at = position(data, random);
        return switch (operator) {
            case 0 -> flip(data.clone(), at, random);
            case 1 -> {
                byte[] copy = data.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 2 -> Arrays.copyOf(data, at);
            case 3 -> insert(data, at & ~1, STRAYS[random.nextInt(STRAYS.length)]);
            case 4 -> {
                byte[] copy = data.clone();
                for (int i = at; i < Math.min(copy.length, at + 4); i++) {
                    copy[i] = (byte) 0xFF;
                }
                yield copy;
            }
            case 5 -> {
                int end = Math.min(data.length, at + 1 + random.nextInt(64));
                byte[] copy = Arrays.copyOf(data, data.length - (end - at));
                System.arraycopy(data, end, copy, at, data.length - end);
                yield copy;
            }
            case 6 -> {
                int from = position(data, random);
                int length = Math.min(data.length - from, 1 + random.nextInt(256));
                yield insert(data, at, Arrays.copyOfRange(data, from, from + length));
            }
            case 7 -> insert(data, at & ~1, DataSets.explicitLittleEndian()
                    .nested(0x0040, 0x0275, 50 + random.nextInt(5_000)).toByteArray());
            default -> flip(data.clone(), random.nextInt(data.length), random);
        };
    }

    private static final byte[][] STRAYS = {
            {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0},
            {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
            {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0},
            {(byte) 0xFC, (byte) 0xFF, (byte) 0xFC, (byte) 0xFF, 'O', 'B', 0, 0, 4, 0, 0, 0, 0, 0, 0, 0},
            {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0, 0, 0, 0, 0}};

    /** Mostly within the first 4 KiB, where the structure is; sometimes anywhere. */
    private static int position(byte[] data, Random random) {
        int window = random.nextInt(4) == 0 ? data.length : Math.min(data.length, 4096);
        return random.nextInt(Math.max(1, window));
    }

    private static byte[] flip(byte[] data, int at, Random random) {
        data[at] ^= (byte) (1 << random.nextInt(8));
        return data;
    }

    private static byte[] insert(byte[] data, int at, byte[] inserted) {
        byte[] result = new byte[data.length + inserted.length];
        System.arraycopy(data, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(data, at, result, at + inserted.length, data.length - at);
        return result;
    }

    private static byte[] inflate(byte[] deflated) throws IOException {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), new java.util.zip.Inflater(true))) {
            return in.readAllBytes();
        }
    }


    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Counts what is written to standard error while passing it on. */
    private static final class ByteCounter extends OutputStream {
        private final OutputStream target;
        private final AtomicLong count = new AtomicLong();

        ByteCounter(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            count.incrementAndGet();
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count.addAndGet(len);
            target.write(b, off, len);
        }

        long count() {
            return count.get();
        }
    }
}
