package dev.freshet.app.imports;

import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes the log of one source out as Parquet or CSV ({@code freshet export}): one row per logged
 * event, in offset order, with a column per schema field (int64 BIGINT, float64 DOUBLE, bool
 * BOOLEAN, string VARCHAR, timestamp TIMESTAMP from epoch ms) and then {@code available_at}
 * (TIMESTAMP, the logged accept time), {@code log_offset} (BIGINT) and {@code partition}
 * (INTEGER).
 *
 * <pre>{@code
 * LogExport.Result r = LogExport.run(storage.eventLog(), source, 0, Path.of("txns.parquet"), tmp, Progress.NONE);
 * }</pre>
 *
 * <p>Design: records are decoded with the source's schema ({@link RowCodec}) and go through
 * DuckDB's appender into a table (which spills to disk beyond memory); one {@code COPY} then writes
 * a temp file beside the output, renamed over it atomically, so a reader never sees a partial file.
 * CSV writes timestamps as ISO-8601 instants ({@code 2024-05-01T12:00:00.000Z}), which
 * {@code freshet ingest} reads back; doubles are written exactly (shortest round-trip form).
 */
public final class LogExport {
    /** Names of the columns after the schema's fields. */
    public static final List<String> METADATA_COLUMNS = List.of("available_at", "log_offset", "partition");

    /**
     * What an export wrote.
     *
     * @param rows       events written
     * @param fromOffset first offset exported
     * @param endOffset  the log's end offset when the export started (exclusive)
     */
    public record Result(String source, Path out, long rows, long fromOffset, long endOffset, double seconds) {
    }

    private LogExport() {
    }

    /**
     * Exports the records of {@code source} from {@code fromOffset} to the log's current end.
     *
     * @param out a {@code .parquet} or {@code .csv} file, replaced atomically; missing parent
     *            directories are created
     * @throws ImportException if the extension is not supported, {@code fromOffset} is past the
     *                         end, a schema field clashes with a metadata column, a record does not
     *                         decode with the schema, or DuckDB fails
     */
    public static Result run(EventLog log, SourceSpec source, long fromOffset, Path out, Path tempDir, Progress progress) {
        long started = System.nanoTime();
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean parquet = name.endsWith(".parquet");
        if (!parquet && !name.endsWith(".csv")) {
            throw new ImportException("unsupported output file " + out.getFileName() + ": the name must end in .parquet or .csv");
        }
        Schema schema = source.schema();
        checkNames(source);
        long end = log.endOffset(source.name());
        if (fromOffset < 0 || fromOffset > end) {
            throw new ImportException("--from-offset " + fromOffset + " is outside the log of source '" + source.name()
                    + "', which " + (end == 0 ? "is empty" : "holds offsets 0.." + (end - 1) + " (end offset " + end + ")"));
        }
        Path target = out.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (DuckDbSession db = DuckDbSession.open(tempDir)) {
            StringBuilder ddl = new StringBuilder("CREATE TABLE exported (");
            for (Field f : schema.fields()) {
                ddl.append(DuckDbSession.ident(f.name())).append(' ').append(sqlType(f.type())).append(", ");
            }
            ddl.append("available_at TIMESTAMP, log_offset BIGINT, \"partition\" INTEGER)");
            try (Statement s = db.connection.createStatement()) {
                s.execute(ddl.toString());
            }
            long rows;
            try (DuckDBAppender appender = db.connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "exported");
                    LogCursor cursor = log.read(source.name(), fromOffset)) {
                rows = copy(source, cursor, appender, end - fromOffset, progress);
            }
            Files.createDirectories(target.getParent());
            try (Statement s = db.connection.createStatement()) {
                s.execute("COPY exported TO " + DuckDbSession.literal(tmp.toString()) + (parquet ? " (FORMAT parquet)"
                        : " (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ')"));
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(source.name(), target, rows, fromOffset, end, (System.nanoTime() - started) / 1e9);
        } catch (SQLException e) {
            throw new ImportException("cannot write " + out + ": " + DuckDbSession.message(e), e);
        } catch (IOException e) {
            throw new ImportException("cannot write " + out + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Only left behind after a failure, which is being reported.
            }
        }
    }

    private static long copy(SourceSpec source, LogCursor cursor, DuckDBAppender appender, long total, Progress progress)
            throws SQLException {
        Schema schema = source.schema();
        int n = schema.size();
        FieldType[] types = new FieldType[n];
        for (int f = 0; f < n; f++) {
            types[f] = schema.field(f).type();
        }
        EventBatch batch = new EventBatch(schema, 1); // one record at a time, cleared before each
        long rows = 0;
        progress.update(Progress.Phase.EXPORT, 0, total);
        while (cursor.next()) {
            byte[] record = cursor.record();
            long offset = cursor.offset();
            batch.clear();
            long acceptTime;
            int partition;
            try {
                RowCodec.decodeInto(record, batch);
                acceptTime = RowCodec.acceptTime(record);
                partition = RowCodec.partition(record);
            } catch (CorruptStateException e) {
                throw new ImportException("the record at offset " + offset + " of source '" + source.name()
                        + "' does not decode with the source's schema in the repository (" + e.getMessage()
                        + "); was the schema changed after the events were written?", e);
            }
            appender.beginRow();
            for (int f = 0; f < n; f++) {
                if (batch.isNull(0, f)) {
                    appender.appendNull();
                    continue;
                }
                switch (types[f]) {
                    case INT64 -> appender.append(batch.getLong(0, f));
                    case FLOAT64 -> appender.append(batch.getDouble(0, f));
                    case BOOL -> appender.append(batch.getLong(0, f) != 0);
                    case STRING -> appender.append((String) batch.getObject(0, f));
                    case TIMESTAMP -> appender.appendEpochMicros(micros(batch.getLong(0, f), offset, schema.field(f).name()));
                }
            }
            appender.appendEpochMicros(micros(acceptTime, offset, "available_at"));
            appender.append(offset);
            appender.append(partition);
            appender.endRow();
            rows++;
            if ((rows & 0xFFF) == 0) {
                progress.update(Progress.Phase.EXPORT, rows, total);
            }
        }
        progress.update(Progress.Phase.EXPORT, rows, total);
        return rows;
    }

    private static long micros(long millis, long offset, String column) {
        try {
            return Math.multiplyExact(millis, 1000L);
        } catch (ArithmeticException e) {
            throw new ImportException("the record at offset " + offset + " has " + column + " = " + millis
                    + " ms, outside the range of a TIMESTAMP column", e);
        }
    }

    private static void checkNames(SourceSpec source) {
        Map<String, String> seen = new HashMap<>();
        for (Field f : source.schema().fields()) {
            seen.put(f.name().toLowerCase(Locale.ROOT), f.name());
        }
        for (String m : METADATA_COLUMNS) {
            String clash = seen.get(m);
            if (clash != null) {
                throw new ImportException("field '" + clash + "' of source '" + source.name() + "' clashes with the export's "
                        + m + " column (column names are compared case-insensitively)");
            }
        }
    }

    static String sqlType(FieldType type) {
        return switch (type) {
            case INT64 -> "BIGINT";
            case FLOAT64 -> "DOUBLE";
            case BOOL -> "BOOLEAN";
            case STRING -> "VARCHAR";
            case TIMESTAMP -> "TIMESTAMP";
        };
    }
}
