package dev.dicomgateway.deliver;

import java.io.IOException;
import java.util.Set;

/**
 * What {@link DeliveryAudit} reads of one metadata store: this gateway's rows of the batches it checks, one at a
 * time (only their instance, object and member are kept). One class per metadata type.
 */
public interface DeliveredRows {
    /** The columns verify compares of one row; {@code where} names the file or table it was read from. */
    record Row(String batch, String sop, String objectUri, String archiveMember, String where) {
    }

    /** Takes each row, and each part of the store that could not be read. */
    interface Sink {
        void accept(Row row);

        void unreadable(String part, String what);
    }

    /** Hands {@code sink} every row whose gateway_id is {@code gatewayId} and batch_id one of {@code batches}. */
    void forEach(String gatewayId, Set<String> batches, Sink sink) throws IOException;
}
