package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.DeliveredRows;
import java.io.IOException;
import java.util.Set;

/**
 * metadata.type=bigquery for verify: the table's rows through tabledata.list (bigquery.tables.getData), one page at
 * a time ({@value #PAGE_ROWS} rows first; the client asks later pages without a size, which BigQuery bounds at
 * 10 MB), filtered here by gateway_id and batch_id. No query job: it needs no
 * bigquery.jobs.create, costs no bytes billed, and sees rows a load job appended at once. It reads the whole table,
 * so its time grows with the table (every gateway's rows), not with the batches checked.
 */
public final class BigQueryDeliveredRows implements DeliveredRows {
    private static final long PAGE_ROWS = 1000;
    private final BigQuery client;
    private final TableId table;

    public BigQueryDeliveredRows(GatewayConfig.BigQuery settings) {
        this.client = BigQueryConnection.client(settings);
        this.table = BigQueryConnection.table(client, settings);
    }

    @Override
    public void forEach(String gatewayId, Set<String> batches, Sink sink) throws IOException {
        String name = table.getProject() + "." + table.getDataset() + "." + table.getTable();
        try {
            Table found = client.getTable(table);
            if (found == null) {
                sink.unreadable(name, "table " + name + " does not exist (metadata.bigquery.dataset, "
                        + "metadata.bigquery.table): no rows were ever loaded there");
                return;
            }
            Schema schema = found.getDefinition().getSchema();
            TableResult rows = client.listTableData(table, schema, BigQuery.TableDataListOption.pageSize(PAGE_ROWS));
            for (FieldValueList row : rows.iterateAll()) {
                String batch = text(row, "batch_id");
                if (batch == null || !batches.contains(batch) || !gatewayId.equals(text(row, "gateway_id"))) {
                    continue;
                }
                String sop = text(row, "SOPInstanceUID");
                sink.accept(new Row(batch, sop == null ? "" : sop, text(row, "object_uri"), text(row, "archive_member"),
                        "table " + name));
            }
        } catch (BigQueryException e) {
            throw new IOException("cannot read the rows of " + name + " (" + (e.getCode() == 0 ? "connection failed"
                    : "HTTP " + e.getCode()) + ": " + e.getMessage() + "); verify needs bigquery.tables.get and "
                    + "bigquery.tables.getData on it (roles/bigquery.dataViewer) — check metadata.bigquery.project, "
                    + "dataset, table and the credentials", e);
        }
    }

    private static String text(FieldValueList row, String column) {
        FieldValue value = row.get(column);
        return value.isNull() ? null : value.getStringValue();
    }
}
