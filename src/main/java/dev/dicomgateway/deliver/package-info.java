/**
 * deliver: the background half — packages sealed batches, sends objects to the object store and rows to the
 * metadata store, step by step through each batch's manifest, retrying transient failures forever by default.
 * Must never delete a staged file before its batch is delivered, nor write metadata before the object is confirmed.
 */
package dev.dicomgateway.deliver;
