/**
 * The edge where configuration enters: built-in defaults (conf/gateway.yaml), the operator's file and
 * DICOM_GATEWAY_* variables merged into typed settings. Must never let an unknown key or invalid value pass silently.
 */
package dev.dicomgateway.config;
