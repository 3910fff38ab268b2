package dev.dicomgateway.receive;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where received instances go (the next stage): each C-STORE's data set is handed over as it arrives, in one
 * {@link #store} call on the association's thread; only a Success outcome is acknowledged to the sender.
 */
public interface InstanceSink {

    /**
     * Asked before an instance's data set is received. Null to receive it; otherwise the refusal to answer
     * (for example Out of Resources when the disk is low) after the data set has been read and discarded.
     */
    StoreOutcome admit();

    /**
     * Stages the instance whose data set {@code dataSet} streams in: on Success what is staged is on disk and synced.
     * It may stop reading early to refuse the instance (the caller reads and drops the rest before answering).
     * A read that throws means the data set will not arrive: nothing of it may stay staged.
     */
    StoreOutcome store(StoreRequest request, InputStream dataSet) throws IOException;

    /**
     * Writing or staging an instance failed because the file system is full ({@link FileSystemFull}): the sink refuses
     * new instances until space returns. The instance itself is answered Out of Resources by the caller.
     */
    default void fileSystemFull() {
    }
}
