package dev.dicomgateway.deliver;

import dev.dicomgateway.dicom.DicomJson;
import dev.dicomgateway.dicom.UnreadableDataSetException;
import dev.dicomgateway.spool.BatchManifest;
import dev.dicomgateway.spool.InstanceSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One metadata row per instance: the identifying keywords of the (de-identified) instance as columns, the gateway's
 * own columns (entity, item, collection, where it is stored, how it came), and the whole data set as DICOM JSON.
 */
public final class MetadataRows {
    /** A keyword column: its name (the attribute's keyword, as the Cloud Healthcare API export names it), tag and VR. */
    public record Keyword(String column, String tag, String vr) {
    }

    /** The keyword columns, in column order. Each holds the attribute's first value; the whole data set is in metadata. */
    public static final List<Keyword> KEYWORD_COLUMNS = List.of(
            new Keyword("StudyInstanceUID", "0020000D", "UI"),
            new Keyword("SeriesInstanceUID", "0020000E", "UI"),
            new Keyword("SOPInstanceUID", "00080018", "UI"),
            new Keyword("SOPClassUID", "00080016", "UI"),
            new Keyword("PatientID", "00100020", "LO"),
            new Keyword("Modality", "00080060", "CS"),
            new Keyword("StudyDate", "00080020", "DA"),
            new Keyword("StudyTime", "00080030", "TM"),
            new Keyword("SeriesDate", "00080021", "DA"),
            new Keyword("SeriesTime", "00080031", "TM"),
            new Keyword("SeriesNumber", "00200011", "IS"),
            new Keyword("InstanceNumber", "00200013", "IS"),
            new Keyword("StudyDescription", "00081030", "LO"),
            new Keyword("SeriesDescription", "0008103E", "LO"),
            new Keyword("BodyPartExamined", "00180015", "CS"),
            new Keyword("PatientSex", "00100040", "CS"),
            new Keyword("PatientAge", "00101010", "AS"),
            new Keyword("AccessionNumber", "00080050", "SH"),
            new Keyword("Rows", "00280010", "US"),
            new Keyword("Columns", "00280011", "US"),
            new Keyword("NumberOfFrames", "00280008", "IS"),
            new Keyword("SliceThickness", "00180050", "DS"));

    /** Keyword column name to tag, in column order. */
    static final Map<String, String> KEYWORDS = keywords();

    private MetadataRows() {
    }

    private static Map<String, String> keywords() {
        Map<String, String> keywords = new LinkedHashMap<>();
        KEYWORD_COLUMNS.forEach(k -> keywords.put(k.column(), k.tag()));
        return keywords;
    }

    /**
     * The row of {@code instance} (its file under {@code files}) stored in {@code object}; {@code member} is its
     * name inside the archive, or null when the instance is its own object.
     */
    static Map<String, Object> row(BatchManifest manifest, BatchManifest.Instance instance, Path files,
                                   BatchManifest.StoredObject object, String member, String gatewayId)
            throws IOException, UnreadableDataSetException {
        Map<String, Object> json = header(files, instance);
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
        row.put("instance_version", instance.deliveredVersion());
        row.put("metadata", json);
        return row;
    }

    /**
     * A row that cannot be written as JSON (nested beyond what the JSON writer allows) will never be written: the
     * batch fails permanently instead of being retried as if the disk were at fault.
     */
    public static PermanentDeliveryException unwritable(String batchId, com.fasterxml.jackson.core.JsonProcessingException e) {
        return new PermanentDeliveryException("a metadata row of batch " + batchId + " cannot be written as JSON ("
                + dev.dicomgateway.spool.FatalErrors.describe(e) + "); the staged instance is malformed", e);
    }

    /** The first value of the attribute {@code tag} of a staged instance, as text; null when absent or unreadable. */
    static String firstValue(Path files, BatchManifest.Instance instance, String tag) throws IOException {
        try {
            return firstValue(header(files, instance).get(tag));
        } catch (UnreadableDataSetException e) {
            return null;
        }
    }

    /**
     * The header of {@code instance} (its file under {@code files}) as DICOM JSON: from the summary it was staged with
     * when that is whole and holds the content the manifest recorded, else parsed from the file.
     */
    static Map<String, Object> header(Path files, BatchManifest.Instance instance)
            throws IOException, UnreadableDataSetException {
        Path file = files.resolve(instance.file());
        Optional<InstanceSummary> summary = InstanceSummary.read(file);
        if (summary.isPresent() && (instance.digest() == null || summary.get().digest() == null
                || instance.digest().equals(summary.get().digest()))) {
            return summary.get().metadata();
        }
        return DicomJson.read(file);
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
