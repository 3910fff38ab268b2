package dev.dicomgateway.deliver.bigquery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Gateway rows as the loader queues them (typed NDJSON), for tests that feed the loader or the stand-in directly. */
final class TypedRows {
    private TypedRows() {
    }

    static byte[] ndjson(List<Map<String, Object>> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map<String, Object> row : rows) {
            TableRows.writeLine(row, out);
        }
        return out.toByteArray();
    }
}
