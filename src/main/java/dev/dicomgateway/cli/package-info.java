/**
 * cli: the bin/dicom-gateway commands (run, version). Parses arguments, loads configuration and reports errors with
 * their fix; must never hold gateway logic of its own.
 */
package dev.dicomgateway.cli;
