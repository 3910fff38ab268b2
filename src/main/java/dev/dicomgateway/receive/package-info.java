/**
 * receive: the DICOM listener — owns the accept loop, association negotiation, C-ECHO, C-STORE and the
 * Storage Commitment SCP (N-ACTION answered, N-EVENT-REPORT sent on an association of its own) — streaming each
 * instance into a temporary file and handing it to an {@link dev.dicomgateway.receive.InstanceSink}.
 * Must never acknowledge an instance with Success before the sink reports it durable, nor leave a sender waiting,
 * nor report an instance committed before the spool (through {@link dev.dicomgateway.receive.InstanceCommitment}) says so.
 */
package dev.dicomgateway.receive;
