/**
 * DIMSE command sets (PS3.7, implicit VR little endian) for C-ECHO, C-STORE, N-ACTION and N-EVENT-REPORT, the
 * Storage Commitment data sets, and the statuses the gateway answers.
 * Pure byte work; must never decide policy (which status to send is the association's job).
 */
package dev.dicomgateway.receive.dimse;
