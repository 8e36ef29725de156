/**
 * Historical import into, and export out of, the event log of a data directory
 * ({@code freshet ingest}, {@code freshet export}). {@link dev.freshet.app.imports.HistoricalImport}
 * validates a CSV, Parquet or NDJSON file with the HTTP ingest's own rules
 * ({@link dev.freshet.serving.ingest.EventParser}), sorts it by event time and appends it with
 * {@code available_at = event_time + availability delay}; {@link dev.freshet.app.imports.LogExport}
 * writes a source's log back out as Parquet or CSV. DuckDB reads, stages (sorts, spilling to disk)
 * and writes the files. See {@code docs/OFFLINE.md}.
 */
package dev.freshet.app.imports;
