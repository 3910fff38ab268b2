package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.Delivered;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every date of the data set moves by the patient's offset, whether Table E.1-1 lists it or not and at any depth
 * (make_dates_corpus.py): read back with pydicom, each staged date is its original minus one offset, the same for
 * every instance of the patient, so the interval between the patient's studies is kept; no original date, in the
 * DICOM or a human form, is left in any staged byte, delivered archive or metadata row. The net behind the table:
 * unlisted person names are emptied, unlisted instance UIDs mapped consistently, well-known UIDs kept.
 */
class DatesEverywhereTest {
    /** A fixed secret, so the offset is known not to map one original date onto another of the corpus. */
    private static final String SECRET = "8f3a0c6e2b1d4f5a9e7c3b2a1d0f6e5c4b3a29180f7e6d5c4b3a291807f6e5d4";
    private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;
    private static final String BIRTH_DATE = "00100030";
    private static final String CONTENT_SEQUENCE = "0040A730";

    @TempDir
    Path work;

    private record DateValue(int instance, String path, String vr, String value) {
    }

    @Test
    void everyDateMovesByThePatientsOffsetAndNoOriginalIsLeftAnywhere() throws Exception {
        Path corpus = work.resolve("corpus");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "src/test/resources/deidentify/make_dates_corpus.py",
                corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
        List<Path> sources = List.of(corpus.resolve("ct_1.dcm"), corpus.resolve("ct_2.dcm"), corpus.resolve("sr_3.dcm"),
                corpus.resolve("ct_4.dcm"));
        Path spool = work.resolve("spool");
        writeSecret(spool);
        try (Gateway gateway = TestGateway.start(spool)) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", sources);
            assertEquals(sources, report.stored(), report.result().output());
        }
        List<Path> staged = StagedFiles.under(spool);
        assertEquals(4, staged.size(), staged.toString());
        byte[] stagedBytes = PlantedPhiTest.concatenate(staged);

        // every date moved by one offset per patient; the birth date is emptied (Z) and SR content removed (D)
        List<DateValue> originals = dates(sources);
        Map<Integer, Map<String, DateValue>> after = byInstance(dates(staged));
        Set<Long> offsets = new TreeSet<>();
        int compared = 0;
        for (DateValue original : originals) {
            DateValue moved = after.get(original.instance()).get(original.path());
            if (original.path().startsWith(CONTENT_SEQUENCE)) {
                assertEquals(null, moved, "SR content is removed by the table (Content Sequence: D)");
                continue;
            }
            if (original.path().equals(BIRTH_DATE)) {
                assertEquals("", moved.value(), "PatientBirthDate is emptied, as the table says");
                continue;
            }
            assertTrue(moved != null && moved.value().length() == original.value().length(), original + " -> " + moved);
            offsets.add(ChronoUnit.DAYS.between(date(moved.value()), date(original.value())));
            assertEquals(original.value().substring(8), moved.value().substring(8), "time part kept: " + original);
            compared++;
        }
        assertTrue(compared >= 35, "dates compared: " + compared);
        assertEquals(1, offsets.size(), "one offset for every date of the patient: " + offsets);
        long offset = offsets.iterator().next();
        assertTrue(offset >= 1 && offset <= 365, "offset " + offset);
        assertEquals(ChronoUnit.DAYS.between(date("20190417"), date("20220105")),
                ChronoUnit.DAYS.between(date(after.get(1).get("00080020").value()), date(after.get(4).get("00080020").value())),
                "the interval between the patient's studies is kept");
        assertTrue(after.get(3).containsKey("0040A032") && after.get(1).containsKey("00080012"),
                "ObservationDateTime and InstanceCreationDate (unlisted) are kept, moved");

        // no original date, in any form, in the staged bytes, the delivered archives or the metadata rows
        Set<String> forbidden = new HashSet<>();
        originals.forEach(d -> forbidden.addAll(DateForms.of(d.value())));
        after.values().forEach(values -> values.values().forEach(d -> forbidden.removeAll(DateForms.of(d.value()))));
        assertTrue(forbidden.containsAll(List.of("20190417", "2019-04-17", "17.04.2019", "04/17/2019", "2019/04/17",
                "17/04/2019", "20190418", "20190410", "20220105", "19610203")), "the fixed secret's offset maps no original "
                + "onto another; checked: " + new TreeSet<>(forbidden));
        assertEquals(List.of(), occurring(forbidden, new String(stagedBytes, StandardCharsets.ISO_8859_1)), "in staged files");

        try (Gateway gateway = TestGateway.start(spool, "DICOM_GATEWAY_STUDY_STABLEAFTER", "1s",
                "DICOM_GATEWAY_RETRY_INITIALDELAY", "100ms")) {
            Delivered.awaitMetadataRows(TestGateway.metadataOf(spool), 4);
            Delivered.awaitFiles(TestGateway.bucketOf(spool), ".tar.gz", 2);
        }
        List<JsonNode> rows = Delivered.rows(TestGateway.metadataOf(spool));
        assertEquals(4, rows.size());
        String rowText = rows.toString();
        assertTrue(rowText.contains(after.get(1).get("00080012").value()), "the metadata carries the moved dates");
        assertEquals(List.of(), occurring(forbidden, rowText), "in metadata rows");
        StringBuilder archives = new StringBuilder();
        for (Path archive : Delivered.files(TestGateway.bucketOf(spool), ".tar.gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
                archives.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(archives.length() > stagedBytes.length / 2, "archives read");
        assertEquals(List.of(), occurring(forbidden, archives.toString()), "in delivered archives");
    }

    @Test
    void unlistedNamesAreEmptiedAndUnlistedUidsMappedConsistently() throws Exception {
        Path corpus = work.resolve("corpus");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "src/test/resources/deidentify/make_dates_corpus.py",
                corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
        List<Path> sources = List.of(corpus.resolve("ct_1.dcm"), corpus.resolve("ct_2.dcm"), corpus.resolve("sr_3.dcm"));
        Path spool = work.resolve("spool");
        try (Gateway gateway = TestGateway.start(spool)) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", sources);
            assertEquals(sources, report.stored(), report.result().output());
        }
        Map<Integer, AttributeList> staged = new HashMap<>();
        for (Path file : StagedFiles.under(spool)) {
            AttributeList list = new AttributeList();
            list.read(file.toString());
            staged.put(Attribute.getSingleIntegerValueOrDefault(list, tag(0x0020, 0x0013), 0), list);
        }
        String everything = new String(PlantedPhiTest.concatenate(StagedFiles.under(spool)), StandardCharsets.ISO_8859_1);
        for (String name : new String[] {"Evaluator", "Erika", "Reviewer", "Rita", "Rolf", "Datum", "Dora"}) {
            assertTrue(!everything.contains(name), name + " survived");
        }
        for (int n : new int[] {1, 2}) {
            AttributeList list = staged.get(n);
            assertTrue(list.containsKey(tag(0x0014, 0x2006)), "EvaluatorName kept present");
            assertEquals("", value(list, tag(0x0014, 0x2006)), "EvaluatorName (unlisted PN) emptied");
            assertEquals("", value(item(list, tag(0x0054, 0x0016)), tag(0x0014, 0x0104)), "nested unlisted PN emptied");
            AttributeList reference = item(list, tag(0x0008, 0x1140));
            assertEquals("1.2.840.10008.5.1.4.1.1.2", value(reference, tag(0x0008, 0x1150)), "well-known UID kept");
            assertEquals(value(staged.get(3 - n), tag(0x0008, 0x0018)), value(reference, tag(0x0008, 0x1155)));
            assertEquals("1.2.840.10008.1.4.1.1", value(list, tag(0x0018, 0x991E)), "well-known frame of reference kept");
        }
        String concatenation = value(staged.get(1), tag(0x0020, 0x0242));
        assertTrue(concatenation.startsWith("2.25."), "unlisted UID replaced: " + concatenation);
        assertEquals(concatenation, value(staged.get(2), tag(0x0020, 0x0242)), "same original, same replacement");
        assertTrue(!everything.contains("1.2.826.0.1.3680043.10.544.30.77.1"));
        assertNotEquals("", value(staged.get(3), tag(0x0040, 0xA032)));
    }

    private void writeSecret(Path spool) throws Exception {
        Path directory = Files.createDirectories(spool.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path key = Files.writeString(directory.resolve("deidentify.key"), SECRET + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private static List<String> occurring(Set<String> forms, String text) {
        return forms.stream().filter(text::contains).sorted().toList();
    }

    /** Every DA and DT value of {@code files}, read with pydicom (src/test/resources/deidentify/dates.py). */
    private static List<DateValue> dates(List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "src/test/resources/deidentify/dates.py"));
        files.forEach(f -> command.add(f.toString()));
        Dcmtk.Result result = Dcmtk.run(command);
        assertEquals(0, result.exitCode(), result.output());
        List<DateValue> values = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 5) {
                values.add(new DateValue(Integer.parseInt(f[1]), f[2], f[3], f[4]));
            }
        }
        return values;
    }

    private static Map<Integer, Map<String, DateValue>> byInstance(List<DateValue> values) {
        Map<Integer, Map<String, DateValue>> byInstance = new HashMap<>();
        values.forEach(v -> byInstance.computeIfAbsent(v.instance(), n -> new HashMap<>()).put(v.path(), v));
        return byInstance;
    }

    private static LocalDate date(String value) {
        return LocalDate.parse(value.substring(0, 8), BASIC);
    }

    private static AttributeTag tag(int group, int element) {
        return new AttributeTag(group, element);
    }

    private static AttributeList item(AttributeList list, AttributeTag tag) {
        return ((SequenceAttribute) list.get(tag)).getItem(0).getAttributeList();
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
