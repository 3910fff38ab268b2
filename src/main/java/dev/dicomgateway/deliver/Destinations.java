package dev.dicomgateway.deliver;

import dev.dicomgateway.config.GatewayConfig;

/** The object store and metadata store a gateway delivers to, chosen by destination.type and metadata.type. */
public record Destinations(ObjectStore objects, MetadataStore metadata) {

    public static Destinations fromConfig(GatewayConfig config) {
        ObjectStore objects = switch (config.destination().type()) {
            case "local" -> new LocalDirectoryStore(config.destination().localDir());
            case "gcs" -> GcsStore.fromConfig(config.destination().gcs());
            default -> throw new IllegalArgumentException("destination.type " + config.destination().type()
                    + " is not available in this build; use destination.type: local");
        };
        MetadataStore metadata = switch (config.metadata().type()) {
            case "local" -> new NdjsonMetadataStore(config.metadata().localDir(), config.gatewayId());
            case "none" -> new NoMetadataStore();
            case "bigquery" -> dev.dicomgateway.deliver.bigquery.BigQueryMetadataStore.fromConfig(config);
            default -> throw new IllegalArgumentException("metadata.type " + config.metadata().type()
                    + " is not available in this build; use metadata.type: local, bigquery or none");
        };
        return new Destinations(objects, metadata);
    }
}
