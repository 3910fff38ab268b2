/**
 * http: the operations endpoint — GET /healthz, GET /readyz and GET /metrics (Prometheus text format).
 * Reads state through {@link dev.dicomgateway.http.ReadinessCheck}s and the meter registry; must never change it.
 */
package dev.dicomgateway.http;
