package dev.freshet.offline.io;

import dev.freshet.offline.io.DuckDb.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Streams the rows of a training-set spine (CSV, gzipped CSV or Parquet) in ascending
 * (timestamp, row number) order.
 *
 * <pre>{@code
 * try (SpineReader spine = SpineReader.open(path, "event_time", List.of("user_id"), tmp, "1GB")) {
 *     int user = spine.columnIndex("user_id");
 *     while (spine.next()) {
 *         long at = spine.timestampMillis();
 *         Object key = spine.value(user);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Design: DuckDB does the parsing and the (disk-spilling) sort; Java sees one streamed result.
 * The row number is the 0-based position in the file, assigned by {@code row_number() OVER ()}
 * directly over the scan, which DuckDB evaluates in file order with insertion order preserved
 * (tested on files it scans in parallel). The sort key is the timestamp floored to the
 * millisecond, then the row number, so rows within one millisecond keep file order. {@link #open}
 * validates the whole file up front (one scan of the timestamp column, which also yields the row
 * count), so iteration only fails on I/O or on values DuckDB cannot convert. Sub-millisecond
 * precision of timestamps and precision beyond a double of DECIMAL values are lost in
 * {@link #value}. Not thread-safe.
 */
public final class SpineReader implements AutoCloseable {
    private static final int FETCH_SIZE = 8192;

    private final Path file;
    private final List<SpineColumn> columns;
    private final Kind[] kinds;
    private final long rowCount;
    private final DuckDb db;
    private final Statement statement;
    private final ResultSet rows;
    private boolean onRow;

    private SpineReader(Path file, List<SpineColumn> columns, Kind[] kinds, long rowCount, DuckDb db,
            Statement statement, ResultSet rows) {
        this.file = file;
        this.columns = columns;
        this.kinds = kinds;
        this.rowCount = rowCount;
        this.db = db;
        this.statement = statement;
        this.rows = rows;
    }

    /**
     * Opens and validates a spine file.
     *
     * @param file            a {@code .csv}, {@code .csv.gz} or {@code .parquet} file; CSV needs a
     *                        header row
     * @param timestampColumn a TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE or integer (epoch
     *                        milliseconds) column with no nulls
     * @param requiredColumns columns that must exist (the entity join keys)
     * @param tempDir         where DuckDB may spill (a private subdirectory is created and removed)
     * @param memoryLimit     DuckDB memory limit of this reader such as {@code "1GB"}, or null for
     *                        DuckDB's default
     * @throws IllegalArgumentException if the extension is not supported or the memory limit is invalid
     * @throws SpineException           if the file is missing, unreadable or fails validation
     */
    public static SpineReader open(Path file, String timestampColumn, List<String> requiredColumns,
            Path tempDir, String memoryLimit) {
        return open(file, timestampColumn, requiredColumns, Set.of(), tempDir, memoryLimit);
    }

    /**
     * Opens and validates a spine file, reading the CSV columns {@code textColumns} as text.
     *
     * @param textColumns columns a CSV spine holds as text (VARCHAR) whatever DuckDB would infer from
     *                    their values, such as string join keys that are all digits ({@code 123});
     *                    ignored for Parquet and for columns the file lacks
     * @see #open(Path, String, List, Path, String)
     */
    public static SpineReader open(Path file, String timestampColumn, List<String> requiredColumns,
            Set<String> textColumns, Path tempDir, String memoryLimit) {
        Objects.requireNonNull(timestampColumn, "timestampColumn");
        List<String> required = List.copyOf(requiredColumns);
        Set<String> text = Set.copyOf(textColumns);
        String scan = scanOf(file);
        if (!Files.isRegularFile(file)) {
            throw new SpineException("Spine file not found: " + file.toAbsolutePath());
        }
        DuckDb db;
        try {
            db = DuckDb.open(tempDir, memoryLimit);
        } catch (SQLException e) {
            throw new SpineException("Cannot start DuckDB to read spine file " + file + ": " + e.getMessage(), e);
        }
        try {
            return open(file, typedScan(db, scan, timestampColumn, text), timestampColumn, required, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        } catch (SQLException e) {
            db.close();
            throw new SpineException("Cannot read spine file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The distinct combinations of {@code columnNames}' values in the spine, each decoded as
     * {@link #value} decodes it (in the order of {@code columnNames}), or null when there are more than
     * {@code limit}. Rows the reader skips (null timestamps) may contribute: the result is a superset
     * of the combinations {@link #next} will visit.
     *
     * @throws SpineException if the file cannot be read or lacks a column
     */
    public static List<Object[]> distinct(Path file, List<String> columnNames, long limit, Path tempDir,
            String memoryLimit) {
        return distinct(file, columnNames, Set.of(), limit, tempDir, memoryLimit);
    }

    /**
     * {@link #distinct(Path, List, long, Path, String)} with the CSV columns {@code textColumns} read
     * as text, as {@link #open(Path, String, List, Set, Path, String)} reads them.
     */
    public static List<Object[]> distinct(Path file, List<String> columnNames, Set<String> textColumns, long limit,
            Path tempDir, String memoryLimit) {
        String untyped = scanOf(file);
        try (DuckDb db = DuckDb.open(tempDir, memoryLimit)) {
            String scan = typedScan(db, untyped, null, Set.copyOf(textColumns));
            List<SpineColumn> columns = describe(db, scan);
            List<String> names = columns.stream().map(SpineColumn::name).toList();
            Kind[] kinds = new Kind[columnNames.size()];
            StringBuilder sql = new StringBuilder("SELECT DISTINCT ");
            for (int i = 0; i < kinds.length; i++) {
                int c = names.indexOf(columnNames.get(i));
                if (c < 0) {
                    throw new SpineException("Spine file " + file + " has no column '" + columnNames.get(i)
                            + "'; its columns are " + names);
                }
                kinds[i] = Kind.of(columns.get(c).duckdbType());
                sql.append(i == 0 ? "" : ", ").append(valueExpr(columns.get(c), kinds[i]));
            }
            sql.append(" FROM ").append(scan).append(" LIMIT ").append(limit + 1);
            List<Object[]> out = new ArrayList<>();
            try (Statement s = db.connection.createStatement()) {
                s.execute("CREATE TEMP MACRO floor_div(a, b) AS (a - ((a % b) + b) % b) // b");
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet r = s.executeQuery(sql.toString())) {
                    while (r.next()) {
                        if (out.size() == limit) {
                            return null;
                        }
                        Object[] row = new Object[kinds.length];
                        for (int i = 0; i < kinds.length; i++) {
                            Object v = switch (kinds[i]) {
                                case INTEGER, TEMPORAL -> r.getLong(i + 1);
                                case FLOATING -> r.getDouble(i + 1);
                                case BOOLEAN -> r.getBoolean(i + 1);
                                case VARCHAR, OTHER -> r.getString(i + 1);
                            };
                            row[i] = r.wasNull() ? null : v;
                        }
                        out.add(row);
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new SpineException("Cannot read spine file " + file + ": " + e.getMessage(), e);
        }
    }

    private static SpineReader open(Path file, String scan, String tsName, List<String> required, DuckDb db)
            throws SQLException {
        List<SpineColumn> columns = describe(db, scan);
        Kind[] kinds = columns.stream().map(c -> Kind.of(c.duckdbType())).toArray(Kind[]::new);
        int ts = checkColumns(file, scan, columns, kinds, tsName, required);
        List<String> names = columns.stream().map(SpineColumn::name).toList();
        String row = DuckDb.ident(unusedName(names, "__freshet_row"));
        String numbered = "(SELECT *, row_number() OVER () - 1 AS " + row + " FROM " + scan + ")";
        long rowCount = countRowsWithoutNullTimestamps(file, db, numbered, tsName, row);

        try (Statement s = db.connection.createStatement()) {
            s.execute("CREATE TEMP MACRO floor_div(a, b) AS (a - ((a % b) + b) % b) // b");
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(timestampExpr(columns.get(ts), kinds[ts])).append(", ")
                .append(row);
        for (int i = 0; i < columns.size(); i++) {
            sql.append(", ").append(valueExpr(columns.get(i), kinds[i]));
        }
        sql.append(" FROM ").append(numbered).append(" ORDER BY 1, 2");
        Statement statement = db.connection.createStatement();
        try {
            statement.setFetchSize(FETCH_SIZE);
            ResultSet rows = statement.executeQuery(sql.toString());
            return new SpineReader(file, columns, kinds, rowCount, db, statement, rows);
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Checks the timestamp and required columns exist and the timestamp's type; returns its index. */
    private static int checkColumns(Path file, String scan, List<SpineColumn> columns, Kind[] kinds, String tsName,
            List<String> required) {
        List<String> names = columns.stream().map(SpineColumn::name).toList();
        int ts = names.indexOf(tsName);
        if (ts < 0) {
            throw new SpineException("Spine file " + file + " has no timestamp column '" + tsName
                    + "'; its columns are " + names);
        }
        List<String> missing = required.stream().filter(c -> !names.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new SpineException("Spine file " + file + " has no column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(c -> "'" + c + "'").toList())
                    + " (entity join key" + (missing.size() > 1 ? "s" : "") + "); its columns are " + names);
        }
        if (kinds[ts] != Kind.TEMPORAL && kinds[ts] != Kind.INTEGER && !columns.get(ts).integerAsText()) {
            throw new SpineException("Spine file " + file + ": timestamp column '" + tsName + "' has type "
                    + columns.get(ts).duckdbType() + "; expected TIMESTAMP, TIMESTAMP WITH TIME ZONE, DATE or an "
                    + "integer type (epoch milliseconds)" + (scan.startsWith("read_csv") && kinds[ts] == Kind.VARCHAR
                            ? ". DuckDB did not recognise the CSV values as timestamps; use ISO-8601 such as "
                                    + "2024-05-01 12:00:00 or 2024-05-01T12:00:00Z"
                            : ""));
        }
        return ts;
    }

    private static long countRowsWithoutNullTimestamps(Path file, DuckDb db, String numbered, String tsName,
            String row) throws SQLException {
        String isNull = " FILTER (WHERE " + DuckDb.ident(tsName) + " IS NULL)";
        try (Statement s = db.connection.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(*)" + isNull + ", min(" + row + ")" + isNull
                        + " FROM " + numbered)) {
            r.next();
            long nulls = r.getLong(2);
            if (nulls > 0) {
                throw new SpineException("Spine file " + file + ": row " + (r.getLong(3) + 1)
                        + " (1-based, header not counted) has a null timestamp in column '" + tsName + "'"
                        + (nulls > 1 ? " (" + nulls + " rows have null timestamps)" : ""));
            }
            return r.getLong(1);
        }
    }

    /** Whether a spine file of this name can be read: it ends in {@code .parquet}, {@code .csv} or {@code .csv.gz}. */
    public static boolean isSupported(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".parquet") || name.endsWith(".csv") || name.endsWith(".csv.gz");
    }

    /** What {@link #isSupported} accepts, for messages. */
    public static final String SUPPORTED = "the name must end in .csv, .csv.gz or .parquet";

    private static String scanOf(Path file) {
        if (!isSupported(file)) {
            throw new IllegalArgumentException("Unsupported spine file " + file.getFileName() + ": " + SUPPORTED);
        }
        String path = DuckDb.literal(file.toAbsolutePath().toString());
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet") ? "read_parquet(" + path + ")"
                : "read_csv(" + path + ", header = true, delim = ',')";
    }

    /**
     * The scan of a spine with the CSV column types that inference would get wrong pinned:
     * {@code textColumns} as VARCHAR (a string key {@code 123} would be inferred BIGINT) and, in a
     * file without data rows, the timestamp column as TIMESTAMP (DuckDB has no values to infer from
     * and reads every column as VARCHAR). Parquet carries its types: its scan is returned as is.
     *
     * @param timestampColumn the timestamp column, or null when it is not read
     */
    private static String typedScan(DuckDb db, String scan, String timestampColumn, Set<String> textColumns)
            throws SQLException {
        if (!scan.startsWith("read_csv(")) {
            return scan;
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (SpineColumn c : describe(db, scan)) {
            Kind kind = Kind.of(c.duckdbType());
            if (textColumns.contains(c.name()) && kind != Kind.VARCHAR) {
                types.put(c.name(), "VARCHAR");
            } else if (c.name().equals(timestampColumn) && kind == Kind.VARCHAR && !hasRows(db, scan)) {
                types.put(c.name(), "TIMESTAMP");
            }
        }
        if (types.isEmpty()) {
            return scan;
        }
        StringBuilder typed = new StringBuilder(scan.substring(0, scan.length() - 1)).append(", types = {");
        types.forEach((name, type) -> typed.append(DuckDb.literal(name)).append(": ").append(DuckDb.literal(type))
                .append(", "));
        typed.setLength(typed.length() - 2);
        return typed.append("})").toString();
    }

    private static boolean hasRows(DuckDb db, String scan) throws SQLException {
        try (Statement s = db.connection.createStatement();
                ResultSet r = s.executeQuery("SELECT 1 FROM " + scan + " LIMIT 1")) {
            return r.next();
        }
    }

    private static List<SpineColumn> describe(DuckDb db, String scan) throws SQLException {
        List<SpineColumn> columns = new ArrayList<>();
        try (Statement s = db.connection.createStatement();
                ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
            while (r.next()) {
                columns.add(new SpineColumn(r.getString("column_name"), r.getString("column_type")));
            }
        }
        return List.copyOf(columns);
    }

    private static String unusedName(List<String> names, String base) {
        Set<String> taken = new HashSet<>();
        names.forEach(n -> taken.add(n.toLowerCase(Locale.ROOT)));
        String name = base;
        for (int i = 1; taken.contains(name); i++) {
            name = base + i;
        }
        return name;
    }

    /**
     * The SQL for the timestamp column's epoch milliseconds: its {@link #valueExpr}, but a BIGINT for
     * the integer types carried as text (UBIGINT, HUGEINT: still epoch milliseconds).
     */
    private static String timestampExpr(SpineColumn column, Kind kind) {
        return column.integerAsText() ? "CAST(" + DuckDb.ident(column.name()) + " AS BIGINT)" : valueExpr(column, kind);
    }

    /**
     * The SQL for a column's value in the form {@link #value} returns. Temporal values are floored
     * to the millisecond (DuckDB's epoch_ms rounds, which would move a row up to half a millisecond
     * into the future).
     */
    private static String valueExpr(SpineColumn column, Kind kind) {
        String col = DuckDb.ident(column.name());
        return switch (kind) {
            case INTEGER -> "CAST(" + col + " AS BIGINT)";
            case FLOATING -> "CAST(" + col + " AS DOUBLE)";
            case TEMPORAL -> column.duckdbType().equalsIgnoreCase("TIMESTAMP_NS")
                    ? "floor_div(epoch_ns(" + col + "), 1000000)"
                    : "floor_div(epoch_us(" + col + "), 1000)";
            case OTHER -> "CAST(" + col + " AS VARCHAR)";
            case BOOLEAN, VARCHAR -> col;
        };
    }

    /** Every column of the spine in file order. */
    public List<SpineColumn> columns() {
        return columns;
    }

    /**
     * The index of a column for {@link #value(int)}.
     *
     * @throws IllegalArgumentException if the spine has no such column
     */
    public int columnIndex(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Spine file " + file + " has no column '" + name + "'");
    }

    /** The number of data rows in the spine. */
    public long rowCount() {
        return rowCount;
    }

    /** Advances to the next row; false once every row has been read. */
    public boolean next() {
        try {
            onRow = rows.next();
            return onRow;
        } catch (SQLException e) {
            onRow = false;
            throw new SpineException("Cannot read spine file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The current row's 0-based position in the file (header not counted). */
    public long rowNumber() {
        return getLong(2);
    }

    /**
     * The current row's timestamp in epoch milliseconds: TIMESTAMP and DATE read as UTC, finer
     * precision floored (rounded towards the past).
     */
    public long timestampMillis() {
        return getLong(1);
    }

    /**
     * The current row's value of column {@code column} (index into {@link #columns()}): a
     * {@link String}, {@link Long} (integer types up to BIGINT and UINTEGER), {@link Double} (FLOAT,
     * DOUBLE, DECIMAL), {@link Boolean}, {@link Long} epoch milliseconds (DATE and TIMESTAMP types),
     * the DuckDB text form for any other type (UBIGINT, HUGEINT and UHUGEINT included, see
     * {@link SpineColumn#integerAsText}), or null.
     */
    public Object value(int column) {
        Objects.checkIndex(column, kinds.length);
        requireRow();
        int i = column + 3;
        try {
            Object v = switch (kinds[column]) {
                case INTEGER, TEMPORAL -> rows.getLong(i);
                case FLOATING -> rows.getDouble(i);
                case BOOLEAN -> rows.getBoolean(i);
                case VARCHAR, OTHER -> rows.getString(i);
            };
            return rows.wasNull() ? null : v;
        } catch (SQLException e) {
            throw new SpineException("Cannot read column '" + columns.get(column).name() + "' of spine file "
                    + file + ": " + e.getMessage(), e);
        }
    }

    private long getLong(int i) {
        requireRow();
        try {
            return rows.getLong(i);
        } catch (SQLException e) {
            throw new SpineException("Cannot read spine file " + file + ": " + e.getMessage(), e);
        }
    }

    private void requireRow() {
        if (!onRow) {
            throw new IllegalStateException("No current row: call next() first and only while it returns true");
        }
    }

    /** Ends the query, closes DuckDB and deletes its spill files. */
    @Override
    public void close() {
        onRow = false;
        try {
            rows.close();
            statement.close();
        } catch (SQLException ignored) {
            // The database is closed next, which releases the result anyway.
        } finally {
            db.close();
        }
    }
}
