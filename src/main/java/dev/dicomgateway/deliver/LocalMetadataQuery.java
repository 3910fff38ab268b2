package dev.dicomgateway.deliver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * SQL over the local metadata store: the NDJSON files of metadata.local.dir exposed as a table named {@code dicom}
 * (as in BigQuery) through an embedded DuckDB, so queries written for the Cloud Healthcare API export run here with
 * only the table name changed. {@code dicom} holds the latest version of each instance; {@code dicom_versions} every
 * version delivered (an instance changed and sent again after delivery).
 */
public final class LocalMetadataQuery {
    /** Column names and rows of a result, values as text. */
    public record Result(List<String> columns, List<List<String>> rows) {
    }

    private LocalMetadataQuery() {
    }

    public static Result run(Path metadataDirectory, String sql) throws IOException, SQLException {
        if (!Files.isDirectory(metadataDirectory) || !hasRows(metadataDirectory)) {
            throw new IOException("no metadata in " + metadataDirectory + " yet (metadata.local.dir; studies appear after "
                    + "study.stableAfter once they are delivered)");
        }
        String glob = metadataDirectory.toAbsolutePath().resolve("*.ndjson").toString().replace("'", "''");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE VIEW dicom_versions AS SELECT * FROM read_json('" + glob + "', "
                    + "format = 'newline_delimited', union_by_name = true, dateformat = 'DISABLED', "
                    + "timestampformat = 'DISABLED', columns = {" + stringColumns() + ", metadata: 'JSON', "
                    + "object_size: 'BIGINT', instance_version: 'BIGINT'})");
            statement.execute("CREATE VIEW dicom AS SELECT * FROM dicom_versions QUALIFY row_number() OVER "
                    + "(PARTITION BY collection, SOPInstanceUID ORDER BY coalesce(instance_version, 1) DESC, "
                    + "received_at DESC) = 1");
            try (ResultSet result = statement.executeQuery(sql)) {
                ResultSetMetaData meta = result.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                List<List<String>> rows = new ArrayList<>();
                while (result.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(result.getString(i));
                    }
                    rows.add(row);
                }
                return new Result(columns, rows);
            }
        }
    }

    /** Keyword and gateway columns typed as text, as they are written (so '19045' compares as a string). */
    private static String stringColumns() {
        List<String> columns = new ArrayList<>(MetadataRows.KEYWORDS.keySet());
        columns.addAll(List.of("entity_id", "item_id", "collection", "object_uri", "archive_member", "object_crc32c",
                "calling_ae", "received_at", "gateway_id", "batch_id"));
        return String.join(", ", columns.stream().map(c -> c + ": 'VARCHAR'").toList());
    }

    private static boolean hasRows(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(f -> f.toString().endsWith(".ndjson"));
        }
    }
}
