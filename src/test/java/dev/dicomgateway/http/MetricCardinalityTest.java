package dev.dicomgateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dicomgateway.Gateway;
import dev.dicomgateway.receive.AssociationResult;
import dev.dicomgateway.receive.ReceiveMetrics;
import dev.dicomgateway.receive.RefusalReason;
import dev.dicomgateway.spool.BatchState;
import dev.dicomgateway.testing.DataSets;
import dev.dicomgateway.testing.RawScu;
import dev.dicomgateway.testing.StoreCall;
import dev.dicomgateway.testing.TestGateway;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a hostile run (hundreds of invented calling AE titles from many addresses and ports, wrong called AE titles,
 * bad and truncated data sets, garbage instead of PDUs, invented modalities), a real GET /metrics still follows the
 * Prometheus conventions and stays small: our names are dicom_gateway_*, counters end in _total, and every label takes
 * values only from the code's fixed sets (enums) or the configuration, never from the wire.
 */
class MetricCardinalityTest {
    private static final Pattern OUR_NAME = Pattern.compile("dicom_gateway_[a-z0-9_]+");
    /** Micrometer's JVM and process binders (Gateway.start): their names and labels come from the JVM, not from peers. */
    private static final Pattern JVM_NAME = Pattern.compile("(jvm|process|system)_[a-z0-9_]+");
    private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> JVM_LABELS = Set.of("gateway", "area", "id", "state", "cause", "action", "gc");
    private static final int MAX_SERIES = 2000;
    private static final Pattern NOT_A_BASE_UNIT = Pattern.compile(
            "_(ns|us|ms|nanoseconds|microseconds|milliseconds|minutes|hours|days|kb|mb|gb|kilobytes|megabytes|percent)(_|$)");
    private static final List<String> ALLOWED_TITLES = List.of("CT01", "MR02");
    private static final String HOSTILE = "HOSTILE";

    @TempDir
    Path spool;

    @Test
    void withAnAllowListAHostileRunLeavesOnlyConventionalNamesAndLabelValuesFromFixedSets() throws Exception {
        String exposition = hostileRun(ALLOWED_TITLES, "CT01", "MR02");
        assertEquals(List.of(), problemsOf(exposition, ALLOWED_TITLES));
        Set<String> results = labelValues(exposition, "dicom_gateway_associations_total", "result", true);
        assertTrue(results.containsAll(Set.of("rejected_calling_ae", "rejected_called_ae", "invalid_request")),
                "the hostile run was seen: " + results);
        assertTrue(labelValues(exposition, "dicom_gateway_instances_quarantined_total", "reason", true)
                .contains("modality_OT"), exposition);
        assertEquals(Set.of("CT01", "MR02"),
                labelValues(exposition, "dicom_gateway_instances_received_total", "calling_ae", true));
        Set<String> names = new TreeSet<>();
        exposition.lines().map(SAMPLE::matcher).filter(Matcher::matches).forEach(m -> names.add(m.group(1)));
        // what an operator must see from metrics alone: arrived, waiting (by state, bytes, age), delivered, failed and
        // how, delivery latency, disk headroom, quarantine size, rejected associations
        assertEquals(List.of(), Stream.of("dicom_gateway_instances_received_total", "dicom_gateway_batches",
                "dicom_gateway_batches_bytes", "dicom_gateway_spool_bytes", "dicom_gateway_oldest_undelivered_seconds",
                "dicom_gateway_delivery_seconds_count", "dicom_gateway_delivery_seconds_bucket",
                "dicom_gateway_delivery_attempts_total", "dicom_gateway_instances_rejected_total",
                "dicom_gateway_spool_free_bytes", "dicom_gateway_quarantine_instances", "dicom_gateway_quarantine_bytes",
                "dicom_gateway_associations_total").filter(n -> !names.contains(n)).toList());
        assertEquals(Set.copyOf(allowedLabelValues(ALLOWED_TITLES).get("dicom_gateway_batches{state}")),
                labelValues(exposition, "dicom_gateway_batches_bytes", "state", false), "every state, from the start");
    }

    @Test
    void withoutAnAllowListEveryInventedCallingAeTitleIsOther() throws Exception {
        String exposition = hostileRun(List.of(), HOSTILE + "A", HOSTILE + "B");
        assertEquals(List.of(), problemsOf(exposition, List.of()));
        assertEquals(Set.of(ReceiveMetrics.OTHER_CALLING_AE),
                labelValues(exposition, "dicom_gateway_instances_received_total", "calling_ae", true));
    }

    /**
     * Runs a gateway with dicom.allowedCallingAeTitles {@code allowedTitles} through the hostile run: stores from
     * {@code first} and {@code second} (one quarantined), invented modalities and calling AE titles from 30
     * addresses, wrong called AE titles, bad data sets, non-DICOM bytes; waits for a delivery; returns GET /metrics.
     */
    private String hostileRun(List<String> allowedTitles, String first, String second) throws Exception {
        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_DICOM_ALLOWEDCALLINGAETITLES",
                String.join(",", allowedTitles), "DICOM_GATEWAY_STUDY_STABLEAFTER", "200ms")) {
            int port = gateway.dicomPort();
            store(port, first, "1.2.3.70.1", "CT", 1);
            store(port, second, "1.2.3.70.2", "OT", 2); // quarantined: reason modality_OT, from the configuration
            for (int i = 0; i < 40; i++) { // modalities no configuration names: staged, no label of their own
                store(port, first, "1.2.3.71." + i, HOSTILE + i, 3 + i);
            }
            for (int i = 0; i < (allowedTitles.isEmpty() ? 60 : 300); i++) { // invented calling AE titles, from 30 addresses
                String calling = "X" + i + HOSTILE;
                if (allowedTitles.isEmpty()) {
                    store(port, calling, "1.2.3.74." + i, "CT", 100 + i % 7);
                } else {
                    rejectedAssociation(port, "127.0.0." + (2 + i % 30), TestGateway.AE_TITLE, calling);
                }
            }
            for (int i = 0; i < 30; i++) {
                rejectedAssociation(port, "127.0.1." + (2 + i), HOSTILE + i, first); // wrong called AE title
            }
            badDataSets(port, first);
            for (int i = 0; i < 30; i++) { // not DICOM at all
                try (Socket socket = new Socket("127.0.0.1", port, InetAddress.getByName("127.0.2." + (2 + i)), 0)) {
                    socket.getOutputStream().write((HOSTILE + i + " GET / HTTP/1.0\r\n\r\n").getBytes());
                    socket.setSoTimeout(5000);
                    socket.getInputStream().readAllBytes();
                } catch (IOException closedOrReset) {
                    // what a gateway does with garbage: abort and close
                }
            }
            awaitDelivered(gateway);
            return scrape(gateway.httpPort());
        }
    }

    /** Everything in {@code exposition} that breaks a naming convention or a label's fixed set. */
    private static List<String> problemsOf(String exposition, List<String> allowedTitles) {
        Map<String, String> types = new HashMap<>();
        Matcher type = TYPE.matcher(exposition);
        while (type.find()) {
            types.put(type.group(1), type.group(2));
        }
        Map<String, Set<String>> allowed = allowedLabelValues(allowedTitles);
        List<String> problems = new ArrayList<>();
        int series = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                problems.add("not a sample line: " + line);
                continue;
            }
            series++;
            String name = sample.group(1);
            String family = familyOf(name, types);
            boolean ours = OUR_NAME.matcher(name).matches();
            if (!ours && !JVM_NAME.matcher(name).matches()) {
                problems.add("neither dicom_gateway_ nor a JVM/process family: " + name);
            }
            if (NOT_A_BASE_UNIT.matcher(name).find()) {
                problems.add("not in base units (seconds, bytes): " + name);
            }
            if ("counter".equals(types.get(family)) && !family.endsWith("_total")) {
                problems.add("counter without _total: " + family);
            }
            if (line.contains(HOSTILE)) {
                problems.add("a value from the wire became a label: " + line);
            }
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                String key = family + "{" + label.group(1) + "}";
                if (!ours) {
                    if (!JVM_LABELS.contains(label.group(1))) {
                        problems.add("unexpected label on " + name + ": " + label.group(1));
                    }
                } else if (label.group(1).equals("le") && name.endsWith("_bucket")) {
                    continue; // histogram buckets: fixed by the code
                } else if (label.group(1).equals("gateway")) {
                    if (!label.group(2).equals("gw-1")) {
                        problems.add(key + "=\"" + label.group(2) + "\" is not gateway.id");
                    }
                } else if (!allowed.containsKey(key)) {
                    problems.add("no fixed set known for " + key + " (add it to allowedLabelValues from its enum)");
                } else if (!allowed.get(key).contains(label.group(2))) {
                    problems.add(key + "=\"" + label.group(2) + "\" is not one of " + allowed.get(key));
                }
            }
        }
        if (series >= MAX_SERIES) {
            problems.add(series + " series after the hostile run (at most " + MAX_SERIES + ")");
        }
        return problems;
    }

    /** Per metric family and label, the values the code can give it: from its enums and the configuration. */
    private static Map<String, Set<String>> allowedLabelValues(List<String> allowedTitles) {
        Map<String, Set<String>> allowed = new HashMap<>();
        allowed.put("dicom_gateway_associations_total{result}", labels(Arrays.stream(AssociationResult.values())
                .map(AssociationResult::label)));
        allowed.put("dicom_gateway_instances_rejected_total{reason}", labels(Arrays.stream(RefusalReason.values())
                .map(RefusalReason::label)));
        allowed.put("dicom_gateway_instances_duplicate_total{stage}", Set.copyOf(ReceiveMetrics.DUPLICATE_STAGES));
        allowed.put("dicom_gateway_instances_received_total{calling_ae}",
                labels(Stream.concat(allowedTitles.stream(), Stream.of(ReceiveMetrics.OTHER_CALLING_AE))));
        Set<String> states = labels(Stream.concat(Arrays.stream(BatchState.values())
                .map(s -> s.name().toLowerCase(Locale.ROOT)), Stream.of("failed")));
        allowed.put("dicom_gateway_batches{state}", states);
        allowed.put("dicom_gateway_batches_bytes{state}", states);
        // the store types of deliver's ObjectStore/MetadataStore classes (their type()), and the engine's outcomes
        allowed.put("dicom_gateway_delivery_attempts_total{destination}", Set.of("local", "gcs", "bigquery", "none"));
        allowed.put("dicom_gateway_delivery_attempts_total{result}", Set.of("success", "transient", "permanent"));
        // QuarantineRules: burned_in_annotation, sop_class, or modality_ + a modality of deidentify.quarantine.modalities
        allowed.put("dicom_gateway_instances_quarantined_total{reason}", labels(Stream.concat(
                Stream.of("burned_in_annotation", "sop_class"),
                Stream.of("US", "OT", "XC", "ES", "SC", "DOC").map(m -> "modality_" + m))));
        return allowed;
    }

    private static Set<String> labels(Stream<String> values) {
        return values.collect(Collectors.toCollection(TreeSet::new));
    }

    /** The family a sample belongs to: its name, or without the _bucket/_count/_sum/_max of a histogram. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_max", "_created")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static Set<String> labelValues(String exposition, String name, String label, boolean nonZero) {
        Set<String> values = new TreeSet<>();
        Pattern line = Pattern.compile(Pattern.quote(name) + "\\{(.*)} (\\S+)");
        for (String sample : exposition.split("\n")) {
            Matcher matcher = line.matcher(sample);
            if (matcher.matches() && (!nonZero || Double.parseDouble(matcher.group(2)) > 0)) {
                Matcher pair = LABEL.matcher(matcher.group(1));
                while (pair.find()) {
                    if (pair.group(1).equals(label)) {
                        values.add(pair.group(2));
                    }
                }
            }
        }
        return values;
    }

    private static void store(int port, String callingAe, String sopInstanceUid, String modality, int patient)
            throws IOException {
        try (RawScu scu = RawScu.associated(port, TestGateway.AE_TITLE, callingAe)) {
            byte[] dataSet = DataSets.explicitLittleEndian()
                    .text(0x0008, 0x0016, "UI", RawScu.CT_IMAGE_STORAGE)
                    .text(0x0008, 0x0018, "UI", sopInstanceUid)
                    .text(0x0008, 0x0060, "CS", modality)
                    .text(0x0010, 0x0020, "LO", "P" + patient)
                    .text(0x0020, 0x000D, "UI", "1.2.3.72." + patient)
                    .text(0x0020, 0x000E, "UI", "1.2.3.72." + patient + ".1")
                    .pixelData(64).toByteArray();
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(1, RawScu.CT_IMAGE_STORAGE, sopInstanceUid)));
            scu.send(RawScu.pData(false, true, dataSet));
            assertEquals(0x0000, RawScu.status(RawScu.pdvData(scu.read().body())), sopInstanceUid);
            StoreCall.release(scu);
        }
    }

    /** An A-ASSOCIATE-RQ from {@code localAddress} (a port of its own) that the gateway rejects. */
    private static void rejectedAssociation(int port, String localAddress, String calledAe, String callingAe)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port, InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(RawScu.associateRequest(calledAe, callingAe, RawScu.CT_IMAGE_STORAGE, RawScu.EXPLICIT_LE));
            out.flush();
            assertEquals(0x03, new DataInputStream(socket.getInputStream()).readUnsignedByte(), "A-ASSOCIATE-RJ");
        }
    }

    /** Data sets that are refused: unparseable, without UIDs, with a UID that is not one, cut off mid-transfer. */
    private static void badDataSets(int port, String callingAe) throws IOException {
        for (int i = 0; i < 20; i++) {
            String uid = "1.2.3.73." + i;
            RawScu scu = RawScu.associated(port, TestGateway.AE_TITLE, callingAe);
            byte[] garbage = (HOSTILE + i + " not a data set at all, but long enough to look like one").getBytes();
            StoreCall.Answer unparseable = StoreCall.store(scu, 1, uid, garbage);
            assertTrue(unparseable.status() != 0, "garbage refused");
            byte[] noUids = DataSets.explicitLittleEndian().text(0x0010, 0x0020, "LO", HOSTILE + i).pixelData(16)
                    .toByteArray();
            assertTrue(StoreCall.store(scu, 2, uid + ".1", noUids).status() != 0, "no UIDs refused");
            assertTrue(StoreCall.store(scu, 3, HOSTILE + i, DataSets.ct(uid, "P", "1.2.3", "1.2.3.4", 16)).status() != 0,
                    "an invalid affected SOP instance UID refused");
            scu.send(RawScu.pData(true, true, RawScu.storeCommand(4, RawScu.CT_IMAGE_STORAGE, uid + ".4")));
            scu.send(RawScu.pData(false, false, Arrays.copyOf(DataSets.ct(uid + ".4", "P", "1.2.3", "1.2.3.4", 64), 40)));
            scu.reset(); // incomplete
        }
    }

    private static void awaitDelivered(Gateway gateway) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (gateway.registry().scrape().contains("dicom_gateway_delivery_attempts_total{destination=\"local\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing delivered within 20 s:\n" + gateway.registry().scrape());
    }

    private static String scrape(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
