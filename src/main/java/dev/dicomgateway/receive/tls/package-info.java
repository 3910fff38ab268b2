/**
 * receive.tls: the key material of the DICOM TLS port (PS3.15 Annex B) — PEM files read with bounds, traditional
 * private keys turned into PKCS#8 — and the server's TLS context built from it. Must never log a key, nor read a
 * file without a size limit.
 */
package dev.dicomgateway.receive.tls;
