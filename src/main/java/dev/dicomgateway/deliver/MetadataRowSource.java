package dev.dicomgateway.deliver;

import java.io.IOException;
import java.util.Map;

/**
 * The metadata rows of one batch, built one at a time as a store consumes them (a batch can hold thousands of
 * instances; their rows are never all in memory at once). A store may ask for them more than once.
 */
@FunctionalInterface
public interface MetadataRowSource {

    /** Hands each row to {@code sink}, in order. */
    void forEach(RowSink sink) throws DeliveryException, IOException;

    /** Takes one row. */
    @FunctionalInterface
    interface RowSink {
        void accept(Map<String, Object> row) throws IOException;
    }
}
