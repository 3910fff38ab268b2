/**
 * deidentify: turns a received instance into what may be staged — PS3.15 Annex E profile applied from data
 * (confidentiality-profile.tsv), keyed deterministic pseudonyms, a local re-identification table, and the quarantine
 * decision for possible burned-in text. Must never let an original identifier reach its output, a log or a metric.
 */
package dev.dicomgateway.deidentify;
