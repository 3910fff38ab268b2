package dev.dicomgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.testing.Cli;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.RelationshipCorpus;
import dev.dicomgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `verify` against a real gateway's local deliveries: all match (exit 0, also beside the running gateway), then each
 * kind of damage is injected in turn — a deleted object, a truncated archive, an object of the right size with other
 * bytes, an archive with an extra member, a missing row, a duplicate row, a row naming another member — and is
 * reported with its kind and exit 1, and the damage undone gives exit 0 again.
 */
class VerifyCommandTest {
    @TempDir
    Path work;

    @Test
    void reportsEveryKindOfDiscrepancyAndExitsZeroOnlyWhenAllMatch() throws Exception {
        Path corpus = RelationshipCorpus.make(work.resolve("corpus"));
        Path spool = work.resolve("spool");
        Path bucket = work.resolve("bucket");
        Path metadata = work.resolve("metadata");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, String.join("\n",
                "dicom: {bind: 127.0.0.1, port: 0}",
                "http: {port: 0}",
                "study: {stableAfter: 1s}",
                "retry: {initialDelay: 100ms, maxDelay: 500ms}",
                "spool: {dir: '" + spool + "', minFreeBytes: 0, reserveBytes: 1MiB}",
                "deidentify: {secretFile: '" + work.resolve("deidentify.key") + "'}",
                "destination: {local: {dir: '" + bucket + "'}}",
                "metadata: {local: {dir: '" + metadata + "'}}", ""));
        try (Gateway gateway = Gateway.start(GatewayConfig.load(config, Map.of()))) {
            List<Path> files = Stream.of("a1_1.dcm", "a1_2.dcm", "b_4.dcm").map(corpus::resolve).toList();
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), report.result().output());
            Delivered.awaitFiles(bucket, ".tar.gz", 2);
            Delivered.awaitMetadataRows(metadata, 3);
            long deadline = System.nanoTime() + 20_000_000_000L;
            Cli.Output beside;
            do { // the manifests reach DELIVERED just after the rows are written
                Thread.sleep(100);
                beside = verify(config, "--json");
            } while (json(beside).path("batches").asInt() < 2 && System.nanoTime() < deadline);
            assertEquals(0, beside.exitCode(), beside.out() + beside.err());
            JsonNode all = json(beside);
            assertEquals(2, all.path("batches").asInt(), beside.out());
            assertEquals(3, all.path("instances").asInt());
            assertEquals(2, all.path("objects").asInt());
            assertEquals(3, all.path("rows").asInt());
            assertTrue(all.path("ok").asBoolean());
        }
        Cli.Output clean = verify(config);
        assertEquals(0, clean.exitCode(), clean.out() + clean.err());
        assertTrue(clean.out().contains("discrepancies             none"), clean.out());

        List<Path> archives = Delivered.files(bucket, ".tar.gz");
        Path archive = archives.get(0);
        byte[] original = Files.readAllBytes(archive);

        Files.delete(archive); // a deleted object: the object and its members are missing
        expect(config, "missing", "is not in");
        Files.write(archive, original);
        assertEquals(0, verify(config).exitCode());

        Files.write(archive, java.util.Arrays.copyOf(original, original.length / 2)); // truncated
        Cli.Output truncated = expect(config, "different", "bytes, the manifest records " + original.length);
        assertTrue(truncated.out().contains("unreadable batch"), truncated.out());
        Files.write(archive, original);

        byte[] flipped = original.clone(); // same size, other bytes: only the CRC32C can tell
        flipped[flipped.length - 9] ^= 1; // the gzip trailer's CRC32: the members still list
        Files.write(archive, flipped);
        Cli.Output crc = expect(config, "different", "CRC32C");
        assertTrue(!crc.out().contains("missing"), crc.out());
        Files.write(archive, original);

        Files.write(archive, withExtraMember(original)); // an extra member
        expect(config, "extra", "holds a member the manifest does not list");
        Files.write(archive, original);
        assertEquals(0, verify(config).exitCode());

        Path rowsFile;
        try (Stream<Path> rows = Files.list(metadata)) {
            rowsFile = rows.filter(p -> p.toString().endsWith(".ndjson"))
                    .filter(p -> lines(p).size() == 2).findFirst().orElseThrow();
        }
        List<String> rows = lines(rowsFile);
        Files.write(rowsFile, List.of(rows.get(0))); // a missing row
        expect(config, "missing", "no metadata row");
        Files.write(rowsFile, List.of(rows.get(0), rows.get(1), rows.get(1))); // a duplicate row
        expect(config, "extra", "2 metadata rows for the instance, expected 1");
        Files.write(rowsFile, List.of(rows.get(0), rows.get(1)));
        assertEquals(0, verify(config).exitCode());

        ObjectMapper mapper = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode moved = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(rows.get(1));
        moved.put("archive_member", "other/member.dcm"); // a row naming the wrong member
        Files.write(rowsFile, List.of(rows.get(0), mapper.writeValueAsString(moved)));
        expect(config, "different", "member other/member.dcm");
        Files.write(rowsFile, List.of(rows.get(0), rows.get(1)));

        assertEquals(0, verify(config, "--since", "2000-01-01").exitCode());
        Cli.Output future = verify(config, "--since", "2999-01-01T00:00:00Z", "--json");
        assertEquals(0, future.exitCode(), future.err());
        assertEquals(0, json(future).path("batches").asInt(), "nothing was delivered after 2999");
        assertEquals(2, verify(config, "--since", "yesterday").exitCode(), "a usage error");

        Path damaged = spool.resolve("delivered").resolve("B999999.json"); // a damaged manifest: reported, no crash
        Files.writeString(damaged, "{\"batchId\": ");
        expect(config, "unreadable", "cannot be read");
        Files.delete(damaged);
    }

    private static Cli.Output verify(Path config, String... options) {
        String[] args = Stream.concat(Stream.of("verify", "--config", config.toString()), Stream.of(options))
                .toArray(String[]::new);
        return Cli.execute(args);
    }

    /** Runs verify, human and JSON: exit 1, a discrepancy of {@code kind} whose text holds {@code text}. */
    private static Cli.Output expect(Path config, String kind, String text) throws Exception {
        Cli.Output human = verify(config);
        assertEquals(1, human.exitCode(), human.out() + human.err());
        assertTrue(human.out().lines().anyMatch(line -> line.startsWith(kind + " batch ") && line.contains(text)),
                human.out());
        Cli.Output machine = verify(config, "--json");
        assertEquals(1, machine.exitCode());
        JsonNode document = json(machine);
        assertTrue(!document.path("ok").asBoolean());
        boolean found = false;
        for (JsonNode d : document.path("discrepancies")) {
            found |= d.path("kind").asText().equals(kind) && d.path("what").asText().contains(text)
                    && !d.path("batch").asText().isEmpty() && !d.path("instance").asText().isEmpty();
        }
        assertTrue(found, machine.out());
        return human;
    }

    private static JsonNode json(Cli.Output output) {
        try {
            return new ObjectMapper().readTree(output.out());
        } catch (Exception e) {
            throw new AssertionError(output.out() + output.err(), e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The archive with one more member, extra.dcm, before its end-of-archive blocks. */
    private static byte[] withExtraMember(byte[] archive) throws Exception {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(archive))) {
            tar = in.readAllBytes();
        }
        byte[] header = new byte[512];
        byte[] name = "extra.dcm".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, header, 0, name.length);
        byte[] size = "00000000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        header[156] = '0';
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(tar, 0, tar.length - 1024);
            gzip.write(header);
            gzip.write(new byte[1024]);
        }
        return out.toByteArray();
    }
}
