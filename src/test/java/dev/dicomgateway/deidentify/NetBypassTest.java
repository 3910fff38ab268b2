package dev.dicomgateway.deidentify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import dev.dicomgateway.Gateway;
import dev.dicomgateway.testing.Dcmtk;
import dev.dicomgateway.testing.StagedFiles;
import dev.dicomgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ways past the de-identification an adversarial review found (each failed before its fix). */
class NetBypassTest {
    @TempDir
    Path work;
    private Path corpus;

    @BeforeEach
    void makeCorpus() throws Exception {
        corpus = work.resolve("corpus");
        Dcmtk.Result made = Dcmtk.run(List.of("/usr/bin/python3", "src/test/resources/deidentify/make_bypass_corpus.py",
                corpus.toString()));
        assertEquals(0, made.exitCode(), made.output());
    }

    private String stagedText(Path spool, List<Path> files) throws Exception {
        try (Gateway gateway = TestGateway.start(spool)) {
            Dcmtk.StoreReport report = Dcmtk.storescu(gateway.dicomPort(), TestGateway.AE_TITLE, "-xe", files);
            assertEquals(files, report.stored(), report.result().output());
        }
        StringBuilder all = new StringBuilder();
        for (Path file : StagedFiles.under(spool)) {
            all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
        return all.toString();
    }

    /** Clean Descriptors removes only numeric date forms; the study date spelled out or with a 2-digit year stays. */
    @Test
    void ownStudyDateInOtherTextFormsSurvivesCleanDescriptors() throws Exception {
        String staged = stagedText(work.resolve("spool"), List.of(corpus.resolve("textdate.dcm")));
        List<String> leaked = new ArrayList<>();
        for (String original : List.of("April 17, 2019", "17-Apr-2019", "17.04.19")) {
            if (staged.contains(original)) {
                leaked.add(original);
            }
        }
        assertEquals(List.of(), leaked, "original StudyDate left in StudyDescription");
    }

    /** A DT range ("A-B", PS3.4 range matching form) keeps its second date: only the first 8 characters move. */
    @Test
    void secondDateOfADateTimeRangeIsStagedUnshifted() throws Exception {
        String staged = stagedText(work.resolve("spool"), List.of(corpus.resolve("dtrange.dcm")));
        assertFalse(staged.contains("19620304"), "original second date of ObservationDateTime range staged");
    }

    /** Two different people without PatientID and PatientName share an entity when only their sex agrees. */
    @Test
    void twoPatientsWithoutIdOrNameAreMergedBySexAlone() throws Exception {
        Path spool = work.resolve("spool");
        stagedText(spool, List.of(corpus.resolve("anon_3.dcm"), corpus.resolve("anon_4.dcm")));
        List<String> entities = new ArrayList<>();
        List<String> studies = new ArrayList<>();
        for (Path file : StagedFiles.under(spool)) {
            AttributeList list = new AttributeList();
            list.read(file.toString());
            entities.add(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientID));
            studies.add(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.StudyInstanceUID));
        }
        assertEquals(2, entities.size(), entities.toString());
        assertNotEquals(studies.get(0), studies.get(1), "two different studies");
        assertNotEquals(entities.get(0), entities.get(1),
                "two unrelated patients (no ID, no name, no birth date, both 'M') merged into one entity");
    }
}
