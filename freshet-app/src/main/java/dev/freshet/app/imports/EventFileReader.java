package dev.freshet.app.imports;

import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.SourceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an import file in chunks, validating every row with the HTTP ingest's rules
 * ({@link dev.freshet.serving.ingest.EventParser}): valid rows land in the chunk's batch with their
 * row numbers, invalid ones in its error list. Rows come in file order. Not thread-safe.
 */
sealed interface EventFileReader extends AutoCloseable permits DuckDbEventReader, NdjsonEventReader {
    /** Rows per chunk. */
    int CHUNK = 1024;

    /**
     * Opens {@code file} and checks what can be checked up front (columns against the schema).
     *
     * @throws ImportException if the file is missing, unreadable, or its columns do not fit the schema
     */
    static EventFileReader open(Path file, ImportFormat format, SourceSpec source, boolean ignoreExtraColumns,
            Path tempDir) {
        return switch (format) {
            case CSV, PARQUET -> DuckDbEventReader.open(file, format, source, ignoreExtraColumns, tempDir);
            case NDJSON -> NdjsonEventReader.open(file, source, ignoreExtraColumns);
        };
    }

    /** Rows (NDJSON: non-blank lines) in the file, for progress. */
    long totalRows();

    /**
     * Clears {@code chunk} and reads up to {@link #CHUNK} rows into it.
     *
     * @return false once the file is exhausted (the chunk is then empty)
     * @throws ImportException if the file cannot be read on (I/O error, malformed CSV)
     */
    boolean next(Chunk chunk);

    @Override
    void close();

    /** Rows read by one {@link #next} call. */
    final class Chunk {
        final EventBatch batch;
        /** 1-based row number of each batch row. */
        long[] rows = new long[CHUNK];
        /** The invalid rows of the chunk, in row order. */
        final List<RowError> errors = new ArrayList<>();
        /** Rows read (valid and invalid). */
        int read;

        Chunk(SourceSpec source) {
            this.batch = new EventBatch(source.schema(), CHUNK);
        }

        void clear() {
            batch.clear();
            errors.clear();
            read = 0;
        }

        /** Records the row number of the batch row just added. */
        void accepted(long row) {
            int k = batch.size() - 1;
            if (k >= rows.length) {
                rows = Arrays.copyOf(rows, rows.length * 2);
            }
            rows[k] = row;
        }
    }
}
