package dev.freshet.app.imports;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.serving.ingest.EventParser;
import dev.freshet.serving.ingest.RejectedEvent;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CSV and Parquet, read by DuckDB and validated by {@link EventParser}: each row is written as the
 * JSON object a client would have sent, so the HTTP ingest's rules (types, required fields,
 * timestamps, ranges) decide, and only they. How a value becomes JSON:
 *
 * <ul>
 *   <li><b>Parquet</b> (typed): integers and decimals as JSON numbers, FLOAT/DOUBLE as numbers
 *       (NaN and infinities as strings, which no numeric field accepts), BOOLEAN as true/false,
 *       VARCHAR as strings, DATE/TIMESTAMP[_S|_MS|_NS]/TIMESTAMPTZ as ISO-8601 instants (UTC; a
 *       timestamp field floors them to the millisecond, an int64 field rejects them), anything
 *       else as its DuckDB text.</li>
 *   <li><b>CSV</b> (text; read with {@code all_varchar}, so DuckDB guesses no types): by the type
 *       of the schema field. A string field takes the text as is; int64/float64 take a cell that is
 *       a JSON number literal as that number; bool takes {@code true}/{@code false} in any case;
 *       timestamp takes an integer as epoch milliseconds, {@code YYYY-MM-DD HH:MM[:SS[.fff]]}
 *       (space or {@code T}, no zone) as UTC, anything else as an ISO-8601 instant. Any other
 *       text stays a JSON string, which the field then rejects with the value in the reason. An
 *       empty cell is null; a quoted empty cell {@code ""} is the empty string.</li>
 * </ul>
 *
 * Row numbers are 1-based positions in the file (CSV: data rows, the header not counted); DuckDB
 * keeps file order because insertion order is preserved. A CSV file that is not well-formed (a
 * line with too many or too few cells, an unterminated quote) fails as a whole with DuckDB's
 * message, which names the line.
 */
final class DuckDbEventReader implements EventFileReader {
    private static final int FETCH_SIZE = 8192;
    private static final int MAX_HEADER_CHARS = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern JSON_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern SQL_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

    /** How a column's values are read from the result and written as JSON. */
    private enum Kind { TEXT, INTEGER, DECIMAL, FLOATING, BOOLEAN, STRING, MICROS, NANOS }

    private final Path file;
    private final DuckDbSession db;
    private final Statement statement;
    private final ResultSet rows;
    private final long total;
    private final String[] names;
    private final FieldType[] fieldTypes;
    private final Kind[] kinds;
    private final EventParser parser;
    private final ByteArrayOutputStream json = new ByteArrayOutputStream(1 << 16);
    private final int[] rowEnds = new int[CHUNK];
    private long rowNumber;
    private boolean exhausted;

    private DuckDbEventReader(Path file, DuckDbSession db, Statement statement, ResultSet rows, long total,
            String[] names, FieldType[] fieldTypes, Kind[] kinds, Schema schema) {
        this.file = file;
        this.db = db;
        this.statement = statement;
        this.rows = rows;
        this.total = total;
        this.names = names;
        this.fieldTypes = fieldTypes;
        this.kinds = kinds;
        this.parser = new EventParser(schema);
    }

    static DuckDbEventReader open(Path file, ImportFormat format, SourceSpec source, boolean ignoreExtraColumns,
            Path tempDir) {
        if (!Files.isRegularFile(file)) {
            throw new ImportException("no such file: " + file.toAbsolutePath());
        }
        String path = DuckDbSession.literal(file.toAbsolutePath().toString());
        String scan;
        if (format == ImportFormat.CSV) {
            // Column names from our own read of the header, so DuckDB's dialect sniffer stays off: a
            // sniffer that fails only says "could not detect the dialect", the parser names the line.
            StringBuilder columns = new StringBuilder();
            for (String name : csvHeader(file)) {
                columns.append(columns.isEmpty() ? "" : ", ").append(DuckDbSession.literal(name)).append(": 'VARCHAR'");
            }
            scan = "read_csv(" + path + ", header = true, auto_detect = false, columns = {" + columns + "}, delim = ',',"
                    + " quote = '\"', escape = '\"', comment = '', skip = 0, allow_quoted_nulls = false)";
        } else {
            scan = "read_parquet(" + path + ")";
        }
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        long total;
        try (DuckDbSession check = DuckDbSession.open(tempDir, false)) {
            total = check(file, format, source, ignoreExtraColumns, check, scan, columns, types);
        } catch (SQLException e) {
            throw new ImportException("cannot read " + file + ": " + DuckDbSession.message(e), e);
        }
        DuckDbSession db = DuckDbSession.open(tempDir, true);
        try {
            return open(file, format, source, db, scan, columns, types, total);
        } catch (SQLException e) {
            db.close();
            throw new ImportException("cannot read " + file + ": " + DuckDbSession.message(e), e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Fills in the file's columns and types, checks them against the schema, and counts the rows.
     * For CSV the count reads every value, so a malformed line or invalid UTF-8 fails here, with
     * DuckDB's message naming the line, before any row is validated (an error met while a streamed
     * result is fetched loses its message).
     */
    private static long check(Path file, ImportFormat format, SourceSpec source, boolean ignoreExtraColumns,
            DuckDbSession db, String scan, List<String> columns, List<String> types) throws SQLException {
        try (Statement s = db.connection.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + scan)) {
            while (r.next()) {
                columns.add(r.getString("column_name"));
                types.add(r.getString("column_type"));
            }
        }
        checkColumns(file, source, columns, ignoreExtraColumns);
        StringBuilder count = new StringBuilder("SELECT count(*)");
        if (format == ImportFormat.CSV) {
            for (String c : columns) {
                count.append(", sum(strlen(").append(DuckDbSession.ident(c)).append("))");
            }
        }
        try (Statement s = db.connection.createStatement(); ResultSet r = s.executeQuery(count + " FROM " + scan)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static DuckDbEventReader open(Path file, ImportFormat format, SourceSpec source, DuckDbSession db, String scan,
            List<String> columns, List<String> types, long total) throws SQLException {
        Schema schema = source.schema();
        List<String> names = new ArrayList<>();
        List<FieldType> fieldTypes = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            int f = schema.indexOf(columns.get(i));
            if (f < 0) {
                continue; // unknown and ignored
            }
            Kind kind = format == ImportFormat.CSV ? Kind.TEXT : kindOf(types.get(i));
            String col = DuckDbSession.ident(columns.get(i));
            sql.append(switch (kind) {
                case MICROS -> "epoch_us(" + col + ")";
                case NANOS -> "epoch_ns(" + col + ")";
                case STRING -> "CAST(" + col + " AS VARCHAR)";
                default -> col;
            }).append(", ");
            names.add(columns.get(i));
            fieldTypes.add(schema.field(f).type());
            kinds.add(kind);
        }
        if (names.isEmpty()) {
            sql.append("NULL, ");
        }
        sql.setLength(sql.length() - 2);
        sql.append(" FROM ").append(scan);
        Statement statement = db.connection.createStatement();
        try {
            statement.setFetchSize(FETCH_SIZE);
            ResultSet rows = statement.executeQuery(sql.toString());
            return new DuckDbEventReader(file, db, statement, rows, total, names.toArray(String[]::new),
                    fieldTypes.toArray(FieldType[]::new), kinds.toArray(Kind[]::new), schema);
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /**
     * Unknown columns fail the import unless ignored (a misspelt nullable column would otherwise
     * import as all nulls, silently); a required field without a column fails it too.
     */
    private static void checkColumns(Path file, SourceSpec source, List<String> columns, boolean ignoreExtraColumns) {
        Schema schema = source.schema();
        if (!ignoreExtraColumns) {
            List<String> unknown = new ArrayList<>();
            for (String c : columns) {
                if (schema.indexOf(c) < 0) {
                    String hint = schema.fields().stream().map(Field::name).filter(n -> n.equalsIgnoreCase(c)).findFirst()
                            .map(n -> " (did you mean '" + n + "'?)").orElse("");
                    unknown.add("'" + c + "'" + hint);
                }
            }
            if (!unknown.isEmpty()) {
                throw new ImportException(file.getFileName() + " has column" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + " that source '" + source.name() + "' does not have (its fields: "
                        + String.join(", ", schema.fields().stream().map(Field::name).toList())
                        + "); remove them or pass --ignore-extra-columns to leave them out");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Field f : schema.fields()) {
            if (!f.nullable() && !columns.contains(f.name())) {
                missing.add("'" + f.name() + "' (" + f.type().yamlName() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ImportException(file.getFileName() + " has no column for the required field"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + " of source '" + source.name()
                    + "'; its columns are " + columns);
        }
    }

    /**
     * The column names in the first record of a CSV file (RFC 4180 quoting, UTF-8, an optional
     * byte order mark, gzip by extension).
     */
    static List<String> csvHeader(Path file) {
        List<String> names = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        try (Reader in = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
            boolean quoted = false;
            boolean any = false;
            int c = in.read();
            if (c == '\uFEFF') {
                c = in.read();
            }
            for (; c >= 0; c = in.read()) {
                any = true;
                if (name.length() > MAX_HEADER_CHARS) {
                    throw new ImportException(file.getFileName() + ": the header row is longer than " + MAX_HEADER_CHARS + " characters");
                }
                if (quoted) {
                    if (c != '"') {
                        name.append((char) c);
                        continue;
                    }
                    in.mark(1);
                    if (in.read() == '"') {
                        name.append('"');
                    } else {
                        in.reset();
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    names.add(name.toString());
                    name.setLength(0);
                } else if (c == '\n') {
                    break;
                } else if (c != '\r') {
                    name.append((char) c);
                }
            }
            if (!any) {
                throw new ImportException(file.getFileName() + " is empty: a CSV file needs a header row naming its columns");
            }
            names.add(name.toString());
        } catch (IOException e) {
            throw new ImportException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String column = names.get(i);
            if (column.isEmpty()) {
                throw new ImportException(file.getFileName() + ": column " + (i + 1) + " of the header row has no name");
            }
            String before = seen.putIfAbsent(column.toLowerCase(Locale.ROOT), column);
            if (before != null) {
                throw new ImportException(file.getFileName() + ": the header row names column '" + column + "' twice"
                        + (before.equals(column) ? "" : " (as '" + before + "' and '" + column + "': DuckDB compares column"
                        + " names case-insensitively)"));
            }
        }
        return names;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw) : raw;
    }

    private static Kind kindOf(String duckdbType) {
        String t = duckdbType.trim().toUpperCase(Locale.ROOT);
        return switch (t) {
            case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
                    "UHUGEINT" -> Kind.INTEGER;
            case "FLOAT", "DOUBLE" -> Kind.FLOATING;
            case "BOOLEAN" -> Kind.BOOLEAN;
            case "VARCHAR" -> Kind.STRING;
            case "DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP WITH TIME ZONE" -> Kind.MICROS;
            case "TIMESTAMP_NS" -> Kind.NANOS;
            default -> t.startsWith("DECIMAL") ? Kind.DECIMAL : Kind.STRING;
        };
    }

    @Override
    public long totalRows() {
        return total;
    }

    @Override
    public boolean next(Chunk chunk) {
        chunk.clear();
        if (exhausted) {
            return false;
        }
        json.reset();
        long first = rowNumber + 1;
        int n = 0;
        try (JsonGenerator g = JSON.createGenerator(json, JsonEncoding.UTF8)) {
            while (n < CHUNK && rows.next()) {
                g.writeStartObject();
                for (int i = 0; i < names.length; i++) {
                    g.writeFieldName(names[i]);
                    writeValue(g, i);
                }
                g.writeEndObject();
                g.writeRaw('\n');
                g.flush();
                rowEnds[n++] = json.size();
                rowNumber++;
            }
        } catch (SQLException e) {
            throw new ImportException("cannot read " + file + " after row " + rowNumber + ": "
                    + DuckDbSession.message(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n < CHUNK) {
            exhausted = true;
        }
        if (n == 0) {
            return false;
        }
        chunk.read = n;
        byte[] body = json.toByteArray();
        EventParser.Result result = parser.parse(body, chunk.batch, n);
        List<RejectedEvent> rejected = result.rejected(); // in index order
        int next = 0;
        int valid = 0;
        for (int i = 0; i < n; i++) {
            if (next < rejected.size() && rejected.get(next).index() == i) {
                RejectedEvent e = rejected.get(next++);
                chunk.errors.add(new RowError(first + i, e.field(), withValue(e, body, i)));
            } else {
                chunk.rows[valid++] = first + i;
            }
        }
        return true;
    }

    private void writeValue(JsonGenerator g, int i) throws SQLException, IOException {
        int c = i + 1;
        switch (kinds[i]) {
            case TEXT -> {
                String v = rows.getString(c);
                if (v == null) {
                    g.writeNull();
                } else {
                    writeText(g, fieldTypes[i], v);
                }
            }
            case STRING -> {
                String v = rows.getString(c);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v);
                }
            }
            case INTEGER -> {
                Object v = rows.getObject(c);
                switch (v) {
                    case null -> g.writeNull();
                    case BigInteger b -> g.writeNumber(b);
                    case Number num -> g.writeNumber(num.longValue());
                    default -> g.writeString(v.toString());
                }
            }
            case DECIMAL -> {
                BigDecimal v = rows.getBigDecimal(c);
                if (v == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(v);
                }
            }
            case FLOATING -> {
                double v = rows.getDouble(c);
                if (rows.wasNull()) {
                    g.writeNull();
                } else if (Double.isFinite(v)) {
                    g.writeNumber(v);
                } else {
                    g.writeString(Double.toString(v));
                }
            }
            case BOOLEAN -> {
                boolean v = rows.getBoolean(c);
                if (rows.wasNull()) {
                    g.writeNull();
                } else {
                    g.writeBoolean(v);
                }
            }
            case MICROS, NANOS -> {
                long v = rows.getLong(c);
                if (rows.wasNull()) {
                    g.writeNull();
                } else {
                    long perSecond = kinds[i] == Kind.MICROS ? 1_000_000L : 1_000_000_000L;
                    long nanosPerUnit = 1_000_000_000L / perSecond;
                    g.writeString(Instant.ofEpochSecond(Math.floorDiv(v, perSecond), Math.floorMod(v, perSecond) * nanosPerUnit).toString());
                }
            }
        }
    }

    /** A CSV cell as the JSON value the field's type reads (see the class comment). */
    private static void writeText(JsonGenerator g, FieldType type, String v) throws IOException {
        switch (type) {
            case STRING -> g.writeString(v);
            case INT64, FLOAT64 -> {
                if (JSON_NUMBER.matcher(v).matches()) {
                    g.writeNumber(v);
                } else {
                    g.writeString(v);
                }
            }
            case BOOL -> {
                if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                    g.writeBoolean(v.equalsIgnoreCase("true"));
                } else {
                    g.writeString(v);
                }
            }
            case TIMESTAMP -> {
                if (JSON_INTEGER.matcher(v).matches()) {
                    g.writeNumber(v);
                } else if (SQL_TIMESTAMP.matcher(v).matches() && parses(sqlToIso(v))) {
                    g.writeString(sqlToIso(v));
                } else {
                    g.writeString(v);
                }
            }
        }
    }

    private static String sqlToIso(String v) {
        return v.replace(' ', 'T') + (v.length() == 16 ? ":00Z" : "Z");
    }

    private static boolean parses(String iso) {
        try {
            Instant.parse(iso);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false; // left as written, so the parser's message quotes the user's text
        }
    }

    /** The parser's reason, with the offending value when the reason is about its type. */
    private String withValue(RejectedEvent e, byte[] body, int index) {
        if (e.field() == null || !e.reason().startsWith("expected")) {
            return e.reason();
        }
        int from = index == 0 ? 0 : rowEnds[index - 1];
        try {
            JsonNode value = TREE.readTree(Arrays.copyOfRange(body, from, rowEnds[index])).get(e.field());
            return value == null ? e.reason() : e.reason() + ": " + value;
        } catch (IOException ex) {
            return e.reason();
        }
    }

    @Override
    public void close() {
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
