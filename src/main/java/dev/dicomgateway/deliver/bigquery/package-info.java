/**
 * metadata.type=bigquery: one row per instance in a BigQuery table typed as the Cloud Healthcare API export types
 * it, written exactly once by load jobs whose ids are recorded before they are submitted. Rows of completed batches
 * wait in a durable queue under the spool ({@link dev.dicomgateway.deliver.bigquery.LoadQueue}) and go up together,
 * one load job per metadata.bigquery.loadInterval ({@link dev.dicomgateway.deliver.bigquery.BigQueryLoader}).
 * The Google client library stays inside this package.
 */
package dev.dicomgateway.deliver.bigquery;
