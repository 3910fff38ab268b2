/**
 * receive: the DICOM listener — owns the accept loop, association negotiation, C-ECHO and C-STORE — streaming each
 * instance into a temporary file and handing it to an {@link dev.dicomgateway.receive.InstanceSink}.
 * Must never acknowledge an instance with Success before the sink reports it durable, nor leave a sender waiting.
 */
package dev.dicomgateway.receive;
