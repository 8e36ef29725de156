package dev.freshet.app.imports;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * Reads a batch source held in a JDBC table (options {@code jdbc_url} and {@code table} or
 * {@code query}; optional {@code user} and {@code password_env}, the name of an environment
 * variable holding the password) into a Parquet snapshot that the file import then validates and
 * loads. Only rows with event times in {@code [from, to)} are kept; timestamp columns become
 * epoch milliseconds (TIMESTAMP without time zone read as UTC, like spine files). Any JDBC driver on
 * the class path works; DuckDB's is bundled.
 */
public final class JdbcSnapshot {
    private JdbcSnapshot() {
    }

    /** Whether the source is read over JDBC. */
    public static boolean isJdbc(SourceSpec source) {
        return source.options().containsKey("jdbc_url");
    }

    /**
     * Writes the source's rows with event times in {@code [from, to)} to {@code out} (Parquet, one
     * column per schema field) and returns how many rows the table held.
     *
     * @throws ImportException when the table cannot be read or a column is missing or mistyped
     */
    public static long write(SourceSpec source, long from, long to, Path out, Path tempDir) {
        Map<String, String> o = source.options();
        String url = o.get("jdbc_url");
        String query = o.containsKey("query") ? o.get("query") : o.containsKey("table") ? "SELECT * FROM " + o.get("table") : null;
        if (query == null) {
            throw new ImportException("source '" + source.name() + "' has a jdbc_url but neither a `table` nor a `query` option");
        }
        String password = o.containsKey("password_env") ? System.getenv(o.get("password_env")) : null;
        long read = 0;
        try (Connection db = DriverManager.getConnection(url, o.get("user"), password);
             Statement st = db.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery(query);
                 DuckDbSession session = DuckDbSession.open(tempDir)) {
                int[] columns = columns(source, rs.getMetaData());
                try (Statement ddl = session.connection.createStatement()) {
                    ddl.execute("CREATE TABLE snapshot (" + columnsSql(source) + ")");
                }
                int eventTime = source.eventTimeIndex();
                try (DuckDBAppender appender = session.connection.createAppender("main", "snapshot")) {
                    while (rs.next()) {
                        read++;
                        Object[] values = new Object[columns.length];
                        for (int f = 0; f < columns.length; f++) {
                            values[f] = value(rs, columns[f], source.schema().field(f), rs.getMetaData().getColumnType(columns[f]));
                        }
                        if (values[eventTime] instanceof Long t && (t < from || t >= to)) {
                            continue;
                        }
                        appender.beginRow();
                        for (Object v : values) {
                            switch (v) {
                                case null -> appender.appendNull();
                                case Long l -> appender.append(l);
                                case Double d -> appender.append(d);
                                case Boolean b -> appender.append(b);
                                default -> appender.append(v.toString());
                            }
                        }
                        appender.endRow();
                    }
                }
                try (Statement copy = session.connection.createStatement()) {
                    copy.execute("COPY snapshot TO " + DuckDbSession.literal(out.toString()) + " (FORMAT parquet)");
                }
            }
        } catch (SQLException e) {
            throw new ImportException("cannot read source '" + source.name() + "' from " + url + ": " + e.getMessage(), e);
        }
        return read;
    }

    /** The result-set column of each schema field (by name, case-insensitive). */
    private static int[] columns(SourceSpec source, ResultSetMetaData meta) throws SQLException {
        int[] at = new int[source.schema().size()];
        for (int f = 0; f < at.length; f++) {
            String name = source.schema().field(f).name();
            at[f] = -1;
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                if (meta.getColumnLabel(c).equalsIgnoreCase(name)) {
                    at[f] = c;
                }
            }
            if (at[f] < 0 && !source.schema().field(f).nullable()) {
                throw new ImportException("the JDBC table of source '" + source.name() + "' has no column '" + name + "'");
            }
        }
        return at;
    }

    private static String columnsSql(SourceSpec source) {
        StringBuilder sb = new StringBuilder();
        for (Field f : source.schema().fields()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(DuckDbSession.ident(f.name())).append(' ').append(switch (f.type()) {
                case STRING -> "VARCHAR";
                case INT64, TIMESTAMP -> "BIGINT";
                case FLOAT64 -> "DOUBLE";
                case BOOL -> "BOOLEAN";
            });
        }
        return sb.toString();
    }

    private static Object value(ResultSet rs, int column, Field field, int sqlType) throws SQLException {
        if (column < 0) {
            return null;
        }
        Object v = switch (field.type()) {
            case STRING -> rs.getString(column);
            case FLOAT64 -> rs.getDouble(column);
            case BOOL -> rs.getBoolean(column);
            case INT64 -> rs.getLong(column);
            case TIMESTAMP -> switch (sqlType) {
                case Types.TIMESTAMP -> {
                    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
                    yield t == null ? null : t.toInstant(ZoneOffset.UTC).toEpochMilli();
                }
                case Types.TIMESTAMP_WITH_TIMEZONE -> {
                    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                    yield t == null ? null : t.toInstant().toEpochMilli();
                }
                case Types.DATE -> {
                    LocalDate d = rs.getObject(column, LocalDate.class);
                    yield d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                }
                default -> rs.getLong(column);
            };
        };
        return rs.wasNull() ? null : v;
    }
}
