/**
 * Small DICOM value types and the PixelMed-backed reading and Part 10 writing helpers every stage uses.
 * Owns the UID grammar and the file meta header; must never touch the network or the spool layout.
 */
package dev.dicomgateway.dicom;
