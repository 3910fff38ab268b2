package dev.dicomgateway.deliver.bigquery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigquery.StandardSQLTypeName;
import java.util.LinkedHashMap;
import java.util.Map;

/** A gateway metadata row (text values, as the local store writes them) as a line of a load job's NDJSON. */
final class TableRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TableRows() {
    }

    /** The row with each value in its column's type; values that do not fit are null (metadata keeps the raw one). */
    static Map<String, Object> typed(Map<String, Object> row) {
        Map<String, Object> typed = new LinkedHashMap<>();
        DicomTableSchema.COLUMNS.forEach((column, type) -> {
            Object value = row.get(column);
            typed.put(column, value == null ? null : convert(value, type));
        });
        return typed;
    }

    private static Object convert(Object value, StandardSQLTypeName type) {
        return switch (type) {
            case DATE -> TypedValues.date(value.toString());
            case TIME -> TypedValues.time(value.toString());
            case TIMESTAMP -> TypedValues.timestamp(value.toString());
            case INT64 -> value instanceof Number number ? Long.valueOf(number.longValue()) : TypedValues.integer(value.toString());
            case FLOAT64 -> TypedValues.floating(value.toString());
            case JSON -> value;
            default -> value.toString();
        };
    }

    /** Writes {@code row}, typed, as one line of newline-delimited JSON. */
    static void writeLine(Map<String, Object> row, java.io.OutputStream out) throws java.io.IOException {
        out.write(JSON.writeValueAsBytes(typed(row)));
        out.write('\n');
    }
}
