/**
 * The PS3.8 upper-layer PDUs a storage SCP exchanges: parsing A-ASSOCIATE-RQ, encoding AC/RJ/RP/ABORT and P-DATA.
 * Pure byte work with no sockets or state; every malformed input is a {@link dev.dicomgateway.receive.pdu.PduFormatException}.
 */
package dev.dicomgateway.receive.pdu;
