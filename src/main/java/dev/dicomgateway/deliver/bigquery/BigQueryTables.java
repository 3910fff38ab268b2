package dev.dicomgateway.deliver.bigquery;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.ViewDefinition;
import dev.dicomgateway.deliver.DeliveryException;
import dev.dicomgateway.deliver.PermanentDeliveryException;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the dataset, the table and the studies view when they are missing; adds columns a newer gateway
 * introduced to an existing table (never changes or drops one). Returns one line per object for `check`.
 */
final class BigQueryTables {
    static final String STUDIES_VIEW = "studies";

    private final BigQuery client;
    private final TableId table;
    private final String location;
    private volatile String datasetLocation;

    BigQueryTables(BigQuery client, TableId table, String location) {
        this.client = client;
        this.table = table;
        this.location = location;
        this.datasetLocation = location;
    }

    TableId table() {
        return table;
    }

    /**
     * Where jobs on this dataset run: metadata.bigquery.location, else the location the dataset turned out to have
     * (BigQuery finds a job outside the US and EU multi-regions only when asked with its location).
     */
    String jobLocation() {
        return datasetLocation;
    }

    /** Makes sure all three exist with the gateway's schema; the lines say what was found or created. */
    List<String> ensure() throws DeliveryException {
        List<String> done = new ArrayList<>();
        String doing = "checking dataset of";
        try {
            DatasetId datasetId = DatasetId.of(table.getProject(), table.getDataset());
            Dataset dataset = client.getDataset(datasetId);
            if (dataset == null) {
                doing = "creating dataset for";
                DatasetInfo.Builder info = DatasetInfo.newBuilder(datasetId)
                        .setDescription("DICOM metadata written by dicom-gateway (one row per de-identified instance)");
                if (!location.isEmpty()) {
                    info.setLocation(location);
                }
                create(() -> client.create(info.build()));
                done.add("dataset " + table.getDataset() + " created" + (location.isEmpty() ? "" : " in " + location));
            } else {
                done.add("dataset " + table.getDataset() + " present (location " + dataset.getLocation() + ")");
                if (location.isEmpty() && dataset.getLocation() != null) {
                    datasetLocation = dataset.getLocation();
                }
            }
            doing = "checking table";
            Table existing = client.getTable(table);
            if (existing == null) {
                doing = "creating table";
                create(() -> client.create(TableInfo.newBuilder(table, DicomTableSchema.definition())
                        .setDescription("One row per instance; columns in docs/bigquery.md").build()));
                done.add("table " + table.getTable() + " created (partitioned by day of received_at, clustered by "
                        + "entity_id, StudyInstanceUID)");
            } else {
                doing = "updating the schema of table";
                done.add(addMissingColumns(existing));
            }
            doing = "creating view " + STUDIES_VIEW + " beside table";
            TableId viewId = TableId.of(table.getProject(), table.getDataset(), STUDIES_VIEW);
            String sql = DicomTableSchema.studiesViewSql(table);
            Table view = client.getTable(viewId);
            if (view == null) {
                create(() -> client.create(TableInfo.of(viewId, ViewDefinition.newBuilder(sql).setUseLegacySql(false).build())));
                done.add("view " + STUDIES_VIEW + " created");
            } else if (view.getDefinition() instanceof ViewDefinition definition && sql.equals(definition.getQuery())) {
                done.add("view " + STUDIES_VIEW + " present");
            } else if (view.getDefinition() instanceof ViewDefinition definition
                    && DicomTableSchema.studiesViewSqlBeforeVersions(table).equals(definition.getQuery())) {
                doing = "updating view " + STUDIES_VIEW + " beside table";
                client.update(view.toBuilder().setDefinition(ViewDefinition.newBuilder(sql).setUseLegacySql(false).build())
                        .build());
                done.add("view " + STUDIES_VIEW + " updated to count the latest version of each instance");
            } else {
                done.add("view " + STUDIES_VIEW + " present with another query (left as it is)");
            }
            return done;
        } catch (BigQueryException e) {
            throw BigQueryErrors.classify(e, table, doing);
        }
    }

    private String addMissingColumns(Table existing) throws PermanentDeliveryException {
        if (!(existing.getDefinition() instanceof StandardTableDefinition definition) || definition.getSchema() == null) {
            throw new PermanentDeliveryException(name() + " exists but is not a table with a schema; choose another "
                    + "metadata.bigquery.table", null);
        }
        FieldList fields = definition.getSchema().getFields();
        List<Field> all = new ArrayList<>(fields);
        List<String> added = new ArrayList<>();
        for (Field wanted : DicomTableSchema.schema().getFields()) {
            Field present = fields.stream().filter(f -> f.getName().equalsIgnoreCase(wanted.getName())).findFirst().orElse(null);
            if (present == null) {
                all.add(wanted);
                added.add(wanted.getName());
            } else if (!present.getType().getStandardType().equals(wanted.getType().getStandardType())) {
                throw new PermanentDeliveryException(name() + " has column " + present.getName() + " of type "
                        + present.getType().getStandardType() + " where the gateway writes " + wanted.getType().getStandardType()
                        + "; point metadata.bigquery.table at a new table (the schema is in docs/bigquery.md)", null);
            }
        }
        if (added.isEmpty()) {
            return "table " + table.getTable() + " present with every column";
        }
        existing.toBuilder().setDefinition(definition.toBuilder().setSchema(Schema.of(all)).build()).build().update();
        return "table " + table.getTable() + " present; added columns " + String.join(", ", added);
    }

    private String name() {
        return table.getProject() + "." + table.getDataset() + "." + table.getTable();
    }

    /** Creates, accepting that another gateway (or a retried request) created it first. */
    private static void create(Runnable creation) {
        try {
            creation.run();
        } catch (BigQueryException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
