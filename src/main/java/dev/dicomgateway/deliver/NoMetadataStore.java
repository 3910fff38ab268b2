package dev.dicomgateway.deliver;

import java.util.List;
import java.util.Map;

/** metadata.type=none: objects only. */
public final class NoMetadataStore implements MetadataStore {
    @Override
    public String type() {
        return "none";
    }

    @Override
    public void write(String batchId, List<Map<String, Object>> rows) {
        // nothing to write
    }

    @Override
    public List<CheckResult> check() {
        return List.of(CheckResult.ok("metadata", "metadata.type is none: no metadata is written"));
    }
}
