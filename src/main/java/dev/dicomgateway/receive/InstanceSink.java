package dev.dicomgateway.receive;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where received instances go (the next stage). The receive stage streams each instance into a file under
 * {@link #temporaryDirectory()} and calls {@link #store}; only a Success outcome is acknowledged to the sender.
 */
public interface InstanceSink {

    /** The directory for instances being received; on the same file system as their final place. */
    Path temporaryDirectory();

    /**
     * Asked before an instance's data set is received. Null to receive it; otherwise the refusal to answer
     * (for example Out of Resources when the disk is low) after the data set has been read and discarded.
     */
    StoreOutcome admit();

    /**
     * Makes a completely received instance durable (the received file is closed but not synced). On Success what
     * is staged is on disk and synced; afterwards, whatever the outcome, the caller deletes the received file.
     */
    StoreOutcome store(ReceivedInstance instance) throws IOException;

    /**
     * Writing an instance into {@link #temporaryDirectory()} or staging it failed because the file system is full
     * ({@link FileSystemFull}): the sink refuses new instances until space returns. The instance itself is answered
     * Out of Resources by the caller.
     */
    default void fileSystemFull() {
    }
}
