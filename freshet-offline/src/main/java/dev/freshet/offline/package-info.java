/**
 * The offline driver: point-in-time training sets built by replaying the event log through the
 * same aggregation core and feature retrieval code the server uses, so offline and online agree
 * bit for bit. Spines are read and outputs written through DuckDB (CSV and Parquet).
 */
package dev.freshet.offline;
