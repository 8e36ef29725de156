package dev.freshet.offline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.aggregation.Status;
import dev.freshet.model.spec.FieldType;
import dev.freshet.offline.io.DuckDb.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes a training set (Parquet or CSV with a header): one row per spine row, in spine file order,
 * whatever order the rows are written in.
 *
 * <pre>{@code
 * try (TrainingSetWriter out = TrainingSetWriter.create(path, spine.columns(),
 *         List.of(new OutputColumn("clicks_1h", FieldType.INT64)), tmp, "1GB")) {
 *     out.write(rowNumber, spineValues, new Object[] {12L}, new Status[] {Status.PRESENT});
 *     ...
 *     out.finish();
 * }
 * }</pre>
 *
 * <p>Columns: every spine column with its original DuckDB type, then per feature {@code <name>}
 * (INT64 BIGINT, FLOAT64 DOUBLE, BOOL BOOLEAN, STRING VARCHAR, TIMESTAMP TIMESTAMP from epoch ms,
 * JSON VARCHAR; NULL unless the status is PRESENT) and {@code <name>__status} (VARCHAR status name).
 *
 * <p>Design: rows go through DuckDB's appender into a staging table ({@link OutputLayout}) of one
 * carrier column per output column (spine values in the Java form {@link SpineReader#value}
 * yields, see {@link Kind}) plus the row number. {@link #finish} checks that no row number was
 * written twice, then runs one {@code COPY (SELECT casts FROM rows ORDER BY row) TO temp file} in
 * the output's directory and renames it over the output atomically, so a reader never sees a
 * partial file. DuckDB spills to the temp dir beyond the memory limit. {@link #close} without
 * {@link #finish} writes nothing. Every value of a row is checked before any is appended, so a
 * rejected row leaves no trace. Not thread-safe.
 */
public final class TrainingSetWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path out;
    private final boolean parquet;
    private final OutputLayout layout;
    private final Kind[] spineKinds;
    private final List<OutputColumn> features;
    private final String[] json;
    private final DuckDb db;
    private final DuckDBAppender appender;
    private long rowsWritten;
    /** Why no more rows may be written (finished, closed, failed), or null while open. */
    private String done;

    private TrainingSetWriter(Path out, boolean parquet, OutputLayout layout, DuckDb db) throws SQLException {
        this.out = out;
        this.parquet = parquet;
        this.layout = layout;
        this.spineKinds = layout.spineKinds;
        this.features = layout.features;
        this.json = new String[features.size()];
        this.db = db;
        try (Statement s = db.connection.createStatement()) {
            s.execute(layout.createTable());
        }
        this.appender = db.connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, OutputLayout.TABLE);
    }

    /**
     * Starts a training set.
     *
     * @param out          a {@code .parquet} or {@code .csv} file; replaced atomically by
     *                     {@link #finish}; missing parent directories are created
     * @param spineColumns the spine's columns, normally {@link SpineReader#columns()}
     * @param features     the feature columns, in output order
     * @param tempDir      where DuckDB may spill (a private subdirectory is created and removed)
     * @param memoryLimit  DuckDB memory limit of this writer such as {@code "1GB"}, or null for
     *                     DuckDB's default
     * @throws IllegalArgumentException for an unsupported extension, an invalid memory limit, or
     *                                  output column names that are empty or clash (compared
     *                                  case-insensitively, as DuckDB and Spark do)
     */
    public static TrainingSetWriter create(Path out, List<SpineColumn> spineColumns, List<OutputColumn> features,
            Path tempDir, String memoryLimit) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean parquet = name.endsWith(".parquet");
        if (!parquet && !name.endsWith(".csv")) {
            throw new IllegalArgumentException("Unsupported training-set file " + out.getFileName()
                    + ": the name must end in .parquet or .csv");
        }
        OutputLayout layout = new OutputLayout(spineColumns, features);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory of " + out, e);
        }
        DuckDb db = null;
        try {
            db = DuckDb.open(tempDir, memoryLimit);
            return new TrainingSetWriter(out.toAbsolutePath(), parquet, layout, db);
        } catch (SQLException e) {
            if (db != null) {
                db.close();
            }
            throw failure("Cannot start writing training set " + out, e);
        } catch (RuntimeException e) {
            if (db != null) {
                db.close();
            }
            throw e;
        }
    }

    /**
     * Adds the output row of spine row {@code rowNumber}; rows may come in any order.
     *
     * @param spineValues   one value per spine column, as {@link SpineReader#value} returns them
     * @param featureValues one value per feature; read only where the status is PRESENT: a
     *                      {@link Long} (or smaller integer) for INT64, any {@link Number} for
     *                      FLOAT64, {@link Boolean}, {@link String}, {@link Long} epoch ms for
     *                      TIMESTAMP, anything Jackson can write for JSON
     * @param statuses      one status per feature
     * @throws IllegalArgumentException if a length, a value's class or a status does not fit; nothing
     *                                  of the row is written then
     */
    public void write(long rowNumber, Object[] spineValues, Object[] featureValues, Status[] statuses) {
        requireOpen();
        check(rowNumber, spineValues, featureValues, statuses);
        try {
            appender.beginRow();
            for (int i = 0; i < spineValues.length; i++) {
                appendSpine(spineKinds[i], spineValues[i]);
            }
            for (int i = 0; i < statuses.length; i++) {
                if (statuses[i] == Status.PRESENT) {
                    appendFeature(features.get(i).type(), featureValues[i], json[i]);
                } else {
                    appender.appendNull();
                }
                appender.append((byte) statuses[i].ordinal());
            }
            appender.append(rowNumber);
            appender.endRow();
        } catch (SQLException e) {
            done = "failed writing row " + rowNumber;
            throw failure("Cannot write row " + rowNumber + " of training set " + out, e);
        }
        rowsWritten++;
    }

    private void check(long rowNumber, Object[] spineValues, Object[] featureValues, Status[] statuses) {
        if (rowNumber < 0) {
            throw new IllegalArgumentException("Negative row number " + rowNumber);
        }
        if (spineValues.length != spineKinds.length || featureValues.length != json.length
                || statuses.length != json.length) {
            throw new IllegalArgumentException("Row " + rowNumber + " has " + spineValues.length + " spine values, "
                    + featureValues.length + " feature values and " + statuses.length + " statuses; expected "
                    + spineKinds.length + ", " + json.length + " and " + json.length);
        }
        for (int i = 0; i < spineValues.length; i++) {
            Object v = spineValues[i];
            boolean ok = v == null || switch (spineKinds[i]) {
                case INTEGER -> isInteger(v);
                case TEMPORAL -> isInteger(v) && fitsMicros(((Number) v).longValue());
                case FLOATING -> v instanceof Number;
                case BOOLEAN -> v instanceof Boolean;
                case VARCHAR, OTHER -> v instanceof String;
            };
            if (!ok) {
                SpineColumn c = layout.spine.get(i);
                throw new IllegalArgumentException("Row " + rowNumber + ": spine column '" + c.name() + "' ("
                        + c.duckdbType() + ") cannot hold a " + v.getClass().getName());
            }
        }
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] == null) {
                throw new IllegalArgumentException("Row " + rowNumber + ": feature '" + features.get(i).name()
                        + "' has no status");
            }
            if (statuses[i] != Status.PRESENT) {
                continue;
            }
            FieldType type = features.get(i).type();
            Object v = featureValues[i];
            if (v == null) {
                throw new IllegalArgumentException("Row " + rowNumber + ": feature '" + features.get(i).name()
                        + "' is PRESENT but its value is null");
            }
            boolean ok = type == null || switch (type) {
                case INT64 -> isInteger(v);
                case FLOAT64 -> v instanceof Number;
                case BOOL -> v instanceof Boolean;
                case STRING -> v instanceof String;
                case TIMESTAMP -> isInteger(v) && fitsMicros(((Number) v).longValue());
            };
            if (!ok) {
                throw new IllegalArgumentException("Row " + rowNumber + ": feature '" + features.get(i).name()
                        + "' of type " + (type == null ? "json" : type.yamlName()) + " cannot hold "
                        + v.getClass().getName() + " " + v);
            }
            if (type == null) {
                try {
                    json[i] = JSON.writeValueAsString(v);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("Row " + rowNumber + ": feature '" + features.get(i).name()
                            + "' cannot be written as JSON: " + e.getOriginalMessage(), e);
                }
            }
        }
    }

    private static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    private static boolean fitsMicros(long millis) {
        return millis == Math.clamp(millis, Long.MIN_VALUE / 1000, Long.MAX_VALUE / 1000);
    }

    private void appendSpine(Kind kind, Object v) throws SQLException {
        if (v == null) {
            appender.appendNull();
            return;
        }
        switch (kind) {
            case INTEGER -> appender.append(((Number) v).longValue());
            case TEMPORAL -> appender.appendEpochMicros(Math.multiplyExact(((Number) v).longValue(), 1000L));
            case FLOATING -> appender.append(((Number) v).doubleValue());
            case BOOLEAN -> appender.append(((Boolean) v).booleanValue());
            case VARCHAR, OTHER -> appender.append((String) v);
        }
    }

    private void appendFeature(FieldType type, Object v, String json) throws SQLException {
        if (type == null) {
            appender.append(json);
            return;
        }
        switch (type) {
            case INT64 -> appender.append(((Number) v).longValue());
            case FLOAT64 -> appender.append(((Number) v).doubleValue());
            case BOOL -> appender.append(((Boolean) v).booleanValue());
            case STRING -> appender.append((String) v);
            case TIMESTAMP -> appender.appendEpochMicros(((Number) v).longValue() * 1000L);
        }
    }

    /** The number of rows written so far. */
    public long rowsWritten() {
        return rowsWritten;
    }

    /**
     * Writes the file: all rows ordered by row number, then an atomic rename over {@code out}.
     *
     * @throws IllegalStateException if a row number was written twice, or the writer is not open
     * @throws UncheckedIOException  if DuckDB or the file system fails; {@code out} is left untouched
     */
    public void finish() {
        requireOpen();
        done = "finished";
        Path tmp = out.resolveSibling("." + out.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            appender.close();
            try (Statement s = db.connection.createStatement()) {
                checkNoDuplicates(s);
                s.execute("COPY (" + layout.select() + ") TO " + DuckDb.literal(tmp.toString())
                        + (parquet ? " (FORMAT parquet)" : " (FORMAT csv, HEADER true)"));
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (SQLException e) {
            throw failure("Cannot write training set " + out, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move the finished training set into place at " + out, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Only reachable after a failure, which is already being reported.
            }
        }
    }

    private void requireOpen() {
        if (done != null) {
            throw new IllegalStateException("Training set " + out + " is " + done);
        }
    }

    private void checkNoDuplicates(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery(layout.firstDuplicateRow())) {
            if (r.next()) {
                throw new IllegalStateException("Training set " + out + ": spine row " + r.getLong(1)
                        + " was written more than once");
            }
        }
    }

    private static UncheckedIOException failure(String message, SQLException e) {
        return new UncheckedIOException(message + ": " + e.getMessage(), new IOException(e.getMessage(), e));
    }

    /** Releases DuckDB and its spill files; without {@link #finish} no output is written. */
    @Override
    public void close() {
        if (done == null) {
            done = "closed";
        }
        try {
            appender.close();
        } catch (SQLException ignored) {
            // The database is closed next, which drops the appender's pending rows anyway.
        } finally {
            db.close();
        }
    }
}
