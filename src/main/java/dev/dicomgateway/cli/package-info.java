/**
 * cli: the bin/dicom-gateway commands (run, version …) and run's signals (SIGTERM stops, SIGHUP reloads). Parses
 * arguments, loads configuration and reports errors with their fix; must never hold gateway logic of its own.
 */
package dev.dicomgateway.cli;
