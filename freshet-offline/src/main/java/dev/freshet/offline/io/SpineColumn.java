package dev.freshet.offline.io;

import java.util.Objects;

/**
 * One column of a spine file, as DuckDB reads it.
 *
 * @param name       the column name from the file
 * @param duckdbType the DuckDB type name as {@code DESCRIBE} reports it, e.g. {@code BIGINT},
 *                   {@code TIMESTAMP WITH TIME ZONE}, {@code DECIMAL(18,3)}; trusted SQL, so take
 *                   it from {@link SpineReader#columns()}
 */
public record SpineColumn(String name, String duckdbType) {
    public SpineColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(duckdbType, "duckdbType");
    }

    /**
     * True for UBIGINT, HUGEINT and UHUGEINT, whose values {@link SpineReader#value} returns as
     * decimal text (a long cannot hold them all).
     */
    public boolean integerAsText() {
        return DuckDb.Kind.isWideInteger(duckdbType);
    }
}
