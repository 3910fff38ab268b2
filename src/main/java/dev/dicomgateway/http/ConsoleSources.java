package dev.dicomgateway.http;

import dev.dicomgateway.deliver.DestinationHealth;
import dev.dicomgateway.deliver.FailedBatches;
import dev.dicomgateway.receive.ReceiveMetrics;
import dev.dicomgateway.spool.DiskSpace;
import dev.dicomgateway.spool.Quarantine;
import dev.dicomgateway.spool.SpoolLayout;
import java.time.Clock;

/**
 * What the operator console reads and acts on, each the running stage's own object: the spool (inventory, failed
 * batches, quarantine, free space), the receive stage's recent associations and per-minute counts, the destinations'
 * health, and the admin token that unlocks the actions.
 */
public record ConsoleSources(String gatewayId, SpoolLayout layout, DiskSpace diskSpace, ReceiveMetrics receive,
                             DestinationHealth destinations, Quarantine quarantine, FailedBatches failedBatches,
                             AdminToken token, Clock clock) {
}
