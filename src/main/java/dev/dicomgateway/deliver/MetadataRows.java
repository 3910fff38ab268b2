package dev.dicomgateway.deliver;

import dev.dicomgateway.dicom.DicomJson;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.spool.BatchManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metadata row per instance: the identifying keywords of the (de-identified) instance as columns, the gateway's
 * own columns (entity, item, collection, where it is stored, how it came), and the whole data set as DICOM JSON.
 */
final class MetadataRows {
    /** Keyword columns and their tags, as the Cloud Healthcare API export names them. */
    static final Map<String, String> KEYWORDS = keywords();

    private MetadataRows() {
    }

    private static Map<String, String> keywords() {
        Map<String, String> keywords = new LinkedHashMap<>();
        keywords.put("StudyInstanceUID", "0020000D");
        keywords.put("SeriesInstanceUID", "0020000E");
        keywords.put("SOPInstanceUID", "00080018");
        keywords.put("SOPClassUID", "00080016");
        keywords.put("PatientID", "00100020");
        keywords.put("Modality", "00080060");
        keywords.put("StudyDate", "00080020");
        keywords.put("StudyTime", "00080030");
        keywords.put("SeriesNumber", "00200011");
        keywords.put("InstanceNumber", "00200013");
        keywords.put("StudyDescription", "00081030");
        keywords.put("SeriesDescription", "0008103E");
        keywords.put("BodyPartExamined", "00180015");
        keywords.put("PatientSex", "00100040");
        keywords.put("PatientAge", "00101010");
        keywords.put("AccessionNumber", "00080050");
        return keywords;
    }

    /**
     * The row of {@code instance} (its file under {@code files}) stored in {@code object}; {@code member} is its
     * name inside the archive, or null when the instance is its own object.
     */
    static Map<String, Object> row(BatchManifest manifest, BatchManifest.Instance instance, Path files,
                                   BatchManifest.StoredObject object, String member, String gatewayId)
            throws IOException, UnreadableDataSetException {
        Map<String, Object> json = DicomJson.read(files.resolve(instance.file()));
        Map<String, Object> row = new LinkedHashMap<>();
        KEYWORDS.forEach((keyword, tag) -> row.put(keyword, firstValue(json.get(tag))));
        row.put("entity_id", manifest.entity);
        row.put("item_id", manifest.item);
        row.put("collection", manifest.collection);
        row.put("object_uri", object.uri());
        row.put("archive_member", member);
        row.put("object_size", object.size());
        row.put("object_crc32c", object.crc32c());
        row.put("calling_ae", instance.callingAe());
        row.put("received_at", instance.receivedAt());
        row.put("gateway_id", gatewayId);
        row.put("batch_id", manifest.batchId);
        row.put("metadata", json);
        return row;
    }

    /** The first value of the attribute {@code tag} of a Part 10 file, as text; null when absent or unreadable. */
    static String firstValue(Path file, String tag) throws IOException {
        try {
            return firstValue(DicomJson.read(file).get(tag));
        } catch (UnreadableDataSetException e) {
            return null;
        }
    }

    /** The first value of a DICOM JSON element as text (a person name's alphabetic group), or null. */
    @SuppressWarnings("unchecked")
    static String firstValue(Object element) {
        if (!(element instanceof Map<?, ?> map) || !(map.get("Value") instanceof List<?> values) || values.isEmpty()) {
            return null;
        }
        Object first = values.get(0);
        if (first instanceof Map<?, ?> name) {
            Object alphabetic = ((Map<String, Object>) name).get("Alphabetic");
            return alphabetic == null ? null : alphabetic.toString();
        }
        return first.toString();
    }
}
