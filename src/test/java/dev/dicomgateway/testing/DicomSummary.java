package dev.dicomgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads attributes of DICOM files with pydicom (independently of the gateway's code), keyed by InstanceNumber. */
public final class DicomSummary {
    private static final String SCRIPT = String.join("\n",
            "import sys, json, pydicom",
            "for path in sys.argv[1:]:",
            "    ds = pydicom.dcmread(path)",
            "    refs = [str(i.ReferencedSOPInstanceUID) for i in ds.get('ReferencedImageSequence', [])]",
            "    keys = ['PatientID','PatientName','AccessionNumber','StudyInstanceUID','SeriesInstanceUID','SOPInstanceUID',",
            "            'FrameOfReferenceUID','StudyDate','SeriesDate','StudyTime','PatientSex','PatientAge','PatientWeight',",
            "            'PatientSize','StudyDescription','PatientIdentityRemoved','IssuerOfPatientID']",
            "    out = {k: str(ds.get(k, '')) for k in keys}",
            "    out['InstanceNumber'] = int(ds.InstanceNumber)",
            "    out['ReferencedSOPInstanceUIDs'] = refs",
            "    out['MediaStorageSOPInstanceUID'] = str(ds.file_meta.MediaStorageSOPInstanceUID)",
            "    out['PixelDataHex'] = ds.PixelData.hex() if 'PixelData' in ds else ''",
            "    out['path'] = path",
            "    print(json.dumps(out))");

    private DicomSummary() {
    }

    /** Attributes of each file, by InstanceNumber. */
    public static Map<Integer, JsonNode> byInstanceNumber(List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", SCRIPT));
        files.forEach(f -> command.add(f.toString()));
        Dcmtk.Result result = Dcmtk.run(command);
        if (result.exitCode() != 0) {
            throw new AssertionError(result.output());
        }
        Map<Integer, JsonNode> summaries = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("{")) {
                JsonNode node = json.readTree(line);
                summaries.put(node.get("InstanceNumber").asInt(), node);
            }
        }
        return summaries;
    }
}
