package dev.dicomgateway.testing;

import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deidentify.Deidentifier;
import dev.dicomgateway.deidentify.ProfileDeidentifier;
import dev.dicomgateway.dicom.InstanceHeader;
import dev.dicomgateway.dicom.InstanceHeaderReader;
import dev.dicomgateway.dicom.FileMetaGroup;
import dev.dicomgateway.receive.ReceivedInstance;
import dev.dicomgateway.receive.StoreRequest;
import dev.dicomgateway.receive.StoreOutcome;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.Spool;
import dev.dicomgateway.spool.SpoolLayout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real spool opened in this JVM on {@code root}/spool, wired as {@code Gateway.start} wires it (profile
 * de-identification, a local bucket and metadata directory beside it) but with a {@link ManualClock} and no
 * listener: a test stages files as the receive stage would, moves the clock and seals or delivers by hand.
 * Settings are DICOM_GATEWAY_* variables, as for {@link TestGateway}.
 */
public final class TestSpool {
    public static final String CALLING_AE = "TESTSCU";
    /** Instances of one MR study of the test corpus, each with its own SOP Instance UID. */
    public static final List<String> MR_STUDY = List.of("MR_small.dcm", "MR_small_implicit.dcm", "MR_small_expb.dcm",
            "MR_small_padded.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm",
            "MR_small_jpeg_ls_lossless.dcm");

    private final Path root;
    private final ManualClock clock;
    private final GatewayConfig config;
    private final SpoolLayout layout;
    private final Spool spool;

    private TestSpool(Path root, ManualClock clock, GatewayConfig config) throws Exception {
        this.root = root;
        this.clock = clock;
        this.config = config;
        this.layout = new SpoolLayout(config.spool().dir());
        layout.create();
        Deidentifier deidentifier = ProfileDeidentifier.open(config.deidentify(), layout.privateArea(), clock);
        this.spool = Spool.open(config, layout, new DiskSpace(layout.root(), 0), deidentifier, new SimpleMeterRegistry(),
                clock);
    }

    /** Opens the spool under {@code root} with {@code overrides} (pairs of DICOM_GATEWAY_* name and value). */
    public static TestSpool open(Path root, ManualClock clock, String... overrides) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "DICOM_GATEWAY_SPOOL_DIR", root.resolve("spool").toString(),
                "DICOM_GATEWAY_SPOOL_MINFREEBYTES", "0",
                "DICOM_GATEWAY_DEIDENTIFY_SECRETFILE", root.resolve("spool").resolve("private").resolve("deidentify.key").toString(),
                "DICOM_GATEWAY_DESTINATION_LOCAL_DIR", root.resolve("bucket").toString(),
                "DICOM_GATEWAY_METADATA_LOCAL_DIR", root.resolve("metadata").toString()));
        for (int i = 0; i < overrides.length; i += 2) {
            environment.put(overrides[i], overrides[i + 1]);
        }
        return new TestSpool(root, clock, GatewayConfig.load(null, environment));
    }

    /** The same directories and settings opened again, as a restarted gateway opens them. */
    public TestSpool reopen() throws Exception {
        return new TestSpool(root, clock, config);
    }

    /** A file of the test corpus (target/test-corpus). */
    public static Path corpusFile(String name) throws Exception {
        Path file = Corpus.files().get(0).path().resolveSibling(name);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no corpus file " + file + " (built by Corpus from src/test/resources/corpus)");
        }
        return file;
    }

    /**
     * Hands the data set of {@code file} to the stager exactly as the receive stage hands over a C-STORE's data set (a
     * stream, staged in one pass), at the clock's current time; fails the test unless it is staged (Success).
     */
    public void stage(Path file) throws Exception {
        StoreOutcome outcome = stream(file);
        if (!outcome.success()) {
            throw new AssertionError(file.getFileName() + " not staged: " + outcome.reason() + " (" + outcome.comment() + ")");
        }
    }

    /** Streams the data set of the Part 10 {@code file} into the stager as a C-STORE from {@link #CALLING_AE}. */
    public StoreOutcome stream(Path file) throws Exception {
        InstanceHeader header = new InstanceHeaderReader().read(file);
        FileMetaGroup meta = FileMetaGroup.read(file);
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            in.skipNBytes(meta.dataSetOffset());
            return spool.stager().store(new StoreRequest(header.sopClassUid(), header.sopInstanceUid(),
                    meta.transferSyntaxUid(), CALLING_AE), in);
        }
    }

    /**
     * Hands a copy of {@code file} to the stager as the import command (and a data set that cannot be staged in one
     * pass) does: a received file; fails the test unless it is staged (Success).
     */
    public void stageFile(Path file) throws Exception {
        InstanceHeader header = new InstanceHeaderReader().read(file);
        Path received = layout.temporary().resolve("received-" + System.nanoTime() + ".part");
        Files.copy(file, received);
        try {
            StoreOutcome outcome = spool.stager().store(new ReceivedInstance(received, header.sopClassUid(),
                    header.sopInstanceUid(), "", CALLING_AE, Files.size(file)));
            if (!outcome.success()) {
                throw new AssertionError(file.getFileName() + " not staged: " + outcome.reason() + " (" + outcome.comment() + ")");
            }
        } finally {
            Files.deleteIfExists(received);
        }
    }

    /** The open study's staged files under incoming/. */
    public List<Path> incoming() throws Exception {
        return StagedFiles.list(layout.incoming());
    }

    /** The manifests of the batches under batches/ (sealed, not yet delivered), by batch id. */
    public Map<String, BatchManifest> batches() throws Exception {
        return manifestsIn(layout.batches());
    }

    /** The manifests of the batches under failed/, by batch id. */
    public Map<String, BatchManifest> failed() throws Exception {
        return manifestsIn(layout.failed());
    }

    private static Map<String, BatchManifest> manifestsIn(Path directory) throws Exception {
        Map<String, BatchManifest> manifests = new java.util.TreeMap<>();
        try (Stream<Path> batches = Files.list(directory)) {
            for (Path batch : batches.toList()) {
                Path manifest = batch.resolve(BatchManifest.FILE_NAME);
                if (Files.exists(manifest)) {
                    manifests.put(batch.getFileName().toString(), BatchManifest.read(manifest));
                }
            }
        }
        return manifests;
    }

    public Spool spool() {
        return spool;
    }

    public SpoolLayout layout() {
        return layout;
    }

    public GatewayConfig config() {
        return config;
    }

    public ManualClock clock() {
        return clock;
    }

    /** The local object store (destination.local.dir). */
    public Path bucket() {
        return config.destination().localDir();
    }

    /** The local metadata store (metadata.local.dir). */
    public Path metadata() {
        return config.metadata().localDir();
    }
}
