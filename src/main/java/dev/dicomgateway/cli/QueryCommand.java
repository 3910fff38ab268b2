package dev.dicomgateway.cli;

import dev.dicomgateway.config.ConfigException;
import dev.dicomgateway.config.GatewayConfig;
import dev.dicomgateway.deliver.LocalMetadataQuery;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dicom-gateway query "SQL"}: SQL over the local metadata store, table {@code dicom}; prints a table. */
@Command(name = "query", description = "Run SQL over the local metadata (metadata.type: local); the table is named dicom.")
public final class QueryCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "SQL", description = "e.g. \"SELECT StudyInstanceUID, COUNT(*) FROM dicom GROUP BY 1\"")
    String sql;

    @Override
    public Integer call() throws ConfigException {
        GatewayConfig settings = config.load();
        if (!settings.metadata().type().equals("local")) {
            GatewayConfig.BigQuery bigquery = settings.metadata().bigquery();
            System.err.println("dicom-gateway: query reads local metadata (metadata.type: local); this gateway writes "
                    + "metadata.type: " + settings.metadata().type() + (settings.metadata().type().equals("bigquery")
                    ? ". Query BigQuery instead: bq query --use_legacy_sql=false 'SELECT ... FROM `" + bigquery.project()
                    + "." + bigquery.dataset() + "." + bigquery.table() + "`'" : ""));
            return 1;
        }
        try {
            LocalMetadataQuery.Result result = LocalMetadataQuery.run(settings.metadata().localDir(), sql);
            print(result);
            return 0;
        } catch (IOException e) {
            System.err.println(Main.wrap("dicom-gateway: " + e.getMessage()));
            return 1;
        } catch (SQLException e) {
            System.err.println("dicom-gateway: query failed: " + e.getMessage().lines().findFirst().orElse("")
                    + " (the table is named dicom; columns are the DICOM keywords, the gateway's columns and metadata)");
            return 1;
        }
    }

    private static void print(LocalMetadataQuery.Result result) {
        List<Integer> widths = new ArrayList<>();
        for (int i = 0; i < result.columns().size(); i++) {
            int width = result.columns().get(i).length();
            for (List<String> row : result.rows()) {
                width = Math.max(width, String.valueOf(row.get(i)).length());
            }
            widths.add(Math.min(width, 120));
        }
        System.out.println(line(result.columns(), widths));
        System.out.println(line(widths.stream().map("-"::repeat).toList(), widths));
        for (List<String> row : result.rows()) {
            System.out.println(line(row, widths));
        }
        System.out.println("(" + result.rows().size() + " rows)");
    }

    private static String line(List<String> values, List<Integer> widths) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            String value = String.valueOf(values.get(i));
            out.append(i == 0 ? "" : " | ").append(String.format("%-" + widths.get(i) + "s",
                    value.length() > 120 ? value.substring(0, 117) + "..." : value));
        }
        return out.toString().stripTrailing();
    }
}
