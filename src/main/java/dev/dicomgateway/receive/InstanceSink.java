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
     * Makes a completely received instance durable. On Success the file has been moved to its final place and
     * synced; on any other outcome or exception the caller deletes the temporary file.
     */
    StoreOutcome store(ReceivedInstance instance) throws IOException;
}
