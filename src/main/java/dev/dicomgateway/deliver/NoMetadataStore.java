package dev.dicomgateway.deliver;

import java.util.List;

/** metadata.type=none: objects only. */
public final class NoMetadataStore implements MetadataStore {
    @Override
    public String type() {
        return "none";
    }

    @Override
    public Progress write(String batchId, MetadataRowSource rows) {
        return Progress.STORED; // nothing to write
    }

    @Override
    public List<CheckResult> check() {
        return List.of(CheckResult.ok("metadata", "metadata.type is none: no metadata is written"));
    }
}
