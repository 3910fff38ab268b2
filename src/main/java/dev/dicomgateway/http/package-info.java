/**
 * http: the operations endpoint — GET /healthz, GET /readyz, GET /metrics (Prometheus text format) and the operator
 * console (its page at /, JSON under /api/). Reads state through {@link dev.dicomgateway.http.ReadinessCheck}s, the
 * meter registry and {@link dev.dicomgateway.http.ConsoleSources}; must never change it except by the console's three
 * actions (retry, release, purge), each a POST with the admin token, not cross-site, logged, done by the spool's own
 * classes — and must never answer PHI (pseudonymous ids only; a preview image needs the token).
 */
package dev.dicomgateway.http;
