package dev.freshet.offline.io;

import dev.freshet.model.spec.FieldType;
import dev.freshet.offline.io.DuckDb.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of a training set and of the staging table behind it, for {@link TrainingSetWriter}.
 *
 * <p>The staging table has positional carrier columns ({@code s<i>} per spine column, {@code f<i>}
 * and {@code t<i>} per feature value and status) plus the row number, so no user-chosen name ever
 * reaches its DDL. The final SELECT casts each spine carrier back to the spine type, gives every
 * column its output name and orders by the row number, qualifying every reference so an output
 * name equal to a carrier name cannot be mistaken for it.
 */
final class OutputLayout {
    static final String TABLE = "training_rows";
    private static final String ROW = "row_number";

    final List<SpineColumn> spine;
    final Kind[] spineKinds;
    final List<OutputColumn> features;

    /**
     * @throws IllegalArgumentException if there are no columns, or a name is blank or clashes
     *                                  (case-insensitively, as DuckDB and Spark compare names)
     */
    OutputLayout(List<SpineColumn> spine, List<OutputColumn> features) {
        this.spine = List.copyOf(spine);
        this.features = List.copyOf(features);
        if (this.spine.isEmpty() && this.features.isEmpty()) {
            throw new IllegalArgumentException("A training set needs at least one column");
        }
        checkNames();
        this.spineKinds = this.spine.stream().map(c -> Kind.of(c.duckdbType())).toArray(Kind[]::new);
    }

    private void checkNames() {
        Map<String, String> seen = new HashMap<>();
        for (SpineColumn c : spine) {
            claim(seen, c.name(), "spine column '" + c.name() + "'");
        }
        for (OutputColumn f : features) {
            claim(seen, f.name(), "feature '" + f.name() + "'");
        }
        for (OutputColumn f : features) {
            claim(seen, f.name() + "__status", "status column of feature '" + f.name() + "'");
        }
    }

    private static void claim(Map<String, String> seen, String name, String what) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("Output column name of " + what + " is empty");
        }
        String before = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), what);
        if (before != null) {
            throw new IllegalArgumentException("Output column '" + name + "' (" + what + ") clashes with "
                    + before + "; column names are compared case-insensitively");
        }
    }

    /** A DuckDB list literal of the status names in ordinal order (DuckDB lists are 1-based). */
    private static final String STATUS_NAMES = java.util.Arrays.stream(dev.freshet.aggregation.Status.values())
            .map(st -> "'" + st.name() + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]"));

    /** The staging table; the appender fills its columns in this order. */
    String createTable() {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + TABLE + " (");
        for (int i = 0; i < spineKinds.length; i++) {
            ddl.append('s').append(i).append(' ').append(spineKinds[i].carrierType).append(", ");
        }
        for (int i = 0; i < features.size(); i++) {
            ddl.append('f').append(i).append(' ').append(sqlType(features.get(i).type()))
                    .append(", t").append(i).append(" TINYINT, ");
        }
        return ddl.append(ROW).append(" BIGINT)").toString();
    }

    /** The first row number that occurs more than once, if any (one row, one column). */
    String firstDuplicateRow() {
        return "SELECT " + ROW + " FROM " + TABLE + " GROUP BY " + ROW + " HAVING count(*) > 1 ORDER BY " + ROW
                + " LIMIT 1";
    }

    /** The output rows: named, typed, in row-number order. */
    String select() {
        String t = TABLE + ".";
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < spineKinds.length; i++) {
            SpineColumn c = spine.get(i);
            sql.append("CAST(").append(t).append('s').append(i).append(" AS ").append(c.duckdbType()).append(") AS ")
                    .append(DuckDb.ident(c.name())).append(", ");
        }
        for (int i = 0; i < features.size(); i++) {
            String name = features.get(i).name();
            sql.append(t).append('f').append(i).append(" AS ").append(DuckDb.ident(name)).append(", ");
            // statuses are staged as their ordinal (cheap to append) and written as their names
            sql.append(STATUS_NAMES).append('[').append(t).append('t').append(i).append(" + 1] AS ")
                    .append(DuckDb.ident(name + "__status")).append(", ");
        }
        sql.setLength(sql.length() - 2);
        return sql.append(" FROM ").append(TABLE).append(" ORDER BY ").append(t).append(ROW).toString();
    }

    /** INT64 BIGINT, FLOAT64 DOUBLE, BOOL BOOLEAN, STRING VARCHAR, TIMESTAMP TIMESTAMP, JSON (null) VARCHAR. */
    static String sqlType(FieldType type) {
        return type == null ? "VARCHAR" : switch (type) {
            case INT64 -> "BIGINT";
            case FLOAT64 -> "DOUBLE";
            case BOOL -> "BOOLEAN";
            case STRING -> "VARCHAR";
            case TIMESTAMP -> "TIMESTAMP";
        };
    }
}
