package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TimePartitioning;
import dev.dicomgateway.deliver.MetadataRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of one row per instance (documented column by column in docs/bigquery.md): the keyword columns typed as
 * the Cloud Healthcare API export types their VR, the gateway's own columns, and metadata, the whole data set as
 * DICOM JSON. Partitioned by day of received_at, clustered by entity and study.
 */
final class DicomTableSchema {
    static final String PARTITION_COLUMN = "received_at";
    static final List<String> CLUSTER_COLUMNS = List.of("entity_id", "StudyInstanceUID");

    /** Column name to type, in column order. */
    static final Map<String, StandardSQLTypeName> COLUMNS = columns();

    private DicomTableSchema() {
    }

    private static Map<String, StandardSQLTypeName> columns() {
        Map<String, StandardSQLTypeName> columns = new LinkedHashMap<>();
        MetadataRows.KEYWORD_COLUMNS.forEach(k -> columns.put(k.column(), typeOf(k.vr())));
        columns.put("entity_id", StandardSQLTypeName.STRING);
        columns.put("item_id", StandardSQLTypeName.STRING);
        columns.put("collection", StandardSQLTypeName.STRING);
        columns.put("object_uri", StandardSQLTypeName.STRING);
        columns.put("archive_member", StandardSQLTypeName.STRING);
        columns.put("object_size", StandardSQLTypeName.INT64);
        columns.put("object_crc32c", StandardSQLTypeName.STRING);
        columns.put("calling_ae", StandardSQLTypeName.STRING);
        columns.put("received_at", StandardSQLTypeName.TIMESTAMP);
        columns.put("gateway_id", StandardSQLTypeName.STRING);
        columns.put("batch_id", StandardSQLTypeName.STRING);
        columns.put("instance_version", StandardSQLTypeName.INT64);
        columns.put("metadata", StandardSQLTypeName.JSON);
        return columns;
    }

    /** The BigQuery type of a keyword column, as the Healthcare API export maps VRs; text-like VRs (DS, IS too) are STRING. */
    static StandardSQLTypeName typeOf(String vr) {
        return switch (vr) {
            case "DA" -> StandardSQLTypeName.DATE;
            case "TM" -> StandardSQLTypeName.TIME;
            case "US", "UL", "SS", "SL", "SV", "UV" -> StandardSQLTypeName.INT64;
            case "FL", "FD" -> StandardSQLTypeName.FLOAT64;
            default -> StandardSQLTypeName.STRING;
        };
    }

    static Schema schema() {
        List<Field> fields = new ArrayList<>();
        COLUMNS.forEach((name, type) -> fields.add(Field.newBuilder(name, type).setMode(Field.Mode.NULLABLE).build()));
        return Schema.of(fields);
    }

    static StandardTableDefinition definition() {
        return StandardTableDefinition.newBuilder()
                .setSchema(schema())
                .setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY).setField(PARTITION_COLUMN).build())
                .setClustering(Clustering.newBuilder().setFields(CLUSTER_COLUMNS).build())
                .build();
    }

    /**
     * The studies view: one row per study, over the latest version of each instance only (an instance changed and
     * sent again after delivery has a row per version, instance_version 1, 2, ...; rows written before versions have
     * none and count as version 1). Instances are counted by distinct SOPInstanceUID.
     */
    static String studiesViewSql(TableId table) {
        return studiesOver("""
                (
                  SELECT * FROM %s
                  WHERE TRUE
                  QUALIFY ROW_NUMBER() OVER (PARTITION BY collection, SOPInstanceUID
                                             ORDER BY COALESCE(instance_version, 1) DESC, received_at DESC) = 1
                )""".formatted(source(table)));
    }

    /** The studies view as gateways before instance versions created it: replaced by {@link #studiesViewSql}. */
    static String studiesViewSqlBeforeVersions(TableId table) {
        return studiesOver(source(table));
    }

    private static String source(TableId table) {
        return "`" + table.getProject() + "." + table.getDataset() + "." + table.getTable() + "`";
    }

    /** One row per study over the rows {@code from} gives (a table name or a parenthesised query). */
    private static String studiesOver(String from) {
        return """
                SELECT
                  entity_id,
                  item_id,
                  StudyInstanceUID,
                  MIN(StudyDate) AS StudyDate,
                  ARRAY_AGG(DISTINCT Modality IGNORE NULLS ORDER BY Modality) AS modalities,
                  COUNT(DISTINCT SeriesInstanceUID) AS series_count,
                  COUNT(DISTINCT SOPInstanceUID) AS instance_count,
                  ARRAY_AGG(DISTINCT object_uri IGNORE NULLS ORDER BY object_uri) AS object_uris,
                  MIN(received_at) AS first_received_at,
                  MAX(received_at) AS last_received_at
                FROM %s
                GROUP BY entity_id, item_id, StudyInstanceUID""".formatted(from);
    }
}
