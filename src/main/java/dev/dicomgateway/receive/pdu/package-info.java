/**
 * The PS3.8 upper-layer PDUs a storage SCP exchanges: reading PDU framing and PDV items, parsing A-ASSOCIATE-RQ,
 * encoding AC/RJ/RP/ABORT and P-DATA. Pure byte work with no sockets or association state; every malformed input is a
 * {@link dev.dicomgateway.receive.pdu.PduFormatException}, and no declared length is trusted before it is checked.
 */
package dev.dicomgateway.receive.pdu;
