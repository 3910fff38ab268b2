package dev.dicomgateway.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import dev.dicomgateway.testing.Corpus;
import dev.dicomgateway.testing.DataSets;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cross-check between the bounded reader and PixelMed: for every real file they agree on the header's structure
 * (so the check refuses nothing real), and where PixelMed reads the same bytes as another structure, the fingerprints
 * differ (so the de-identifier refuses it).
 */
class StructureFingerprintTest {

    @Test
    void readerAndPixelMedAgreeOnEveryCorpusFile() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (Corpus.File file : Corpus.files()) {
            DataSetLayout layout = DataSetLayout.read(file.path(), DataSetLimits.DEFAULT);
            AttributeList list = new AttributeList();
            if (layout.deflated()) {
                list.read(file.path().toString());
            } else {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file.path()))) {
                    in.skipNBytes(layout.dataSetOffset());
                    byte[] header = in.readNBytes((int) (layout.headerEnd() - layout.dataSetOffset()));
                    list.read(new DicomInputStream(new ByteArrayInputStream(header), layout.transferSyntaxUid(), false));
                }
            }
            if (StructureFingerprint.of(list) != layout.headerStructure()) {
                disagreements.add(file.path().getFileName().toString());
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void anElementPixelMedSwallowsChangesTheFingerprint() throws Exception {
        // non-zero reserved bytes after "UN": PixelMed takes them for a 16-bit length and swallows the 32-bit length
        // and the PatientName after it
        byte[] name = DataSets.explicitLittleEndian().text(0x0010, 0x0010, "PN", "PHITOKEN^X").toByteArray();
        byte[] bytes = DataSets.explicitLittleEndian()
                .text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
                .raw(new byte[] {0x08, 0x00, (byte) 0xFE, 0x00, 'U', 'N', (byte) (4 + name.length), 0, 0, 0, 0, 0})
                .raw(name)
                .text(0x0020, 0x000D, "UI", "1.2.3")
                .toByteArray();
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, false));
        StructureFingerprint asTheReaderSawIt = new StructureFingerprint();
        for (int tag : new int[] {0x00080016, 0x000800FE, 0x00100010, 0x0020000D}) {
            asTheReaderSawIt.add(0, tag);
        }
        StructureFingerprint asPixelMedSawIt = new StructureFingerprint();
        for (int tag : new int[] {0x00080016, 0x000800FE, 0x0020000D}) {
            asPixelMedSawIt.add(0, tag);
        }
        assertEquals(asPixelMedSawIt.value(), StructureFingerprint.of(list), "PixelMed swallowed the PatientName");
        assertNotEquals(asTheReaderSawIt.value(), StructureFingerprint.of(list));
    }
}
