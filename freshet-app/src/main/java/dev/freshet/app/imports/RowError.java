package dev.freshet.app.imports;

/**
 * One row of an import file that failed validation.
 *
 * @param row    1-based row number: the data row for CSV (header not counted) and Parquet, the
 *               line for NDJSON
 * @param field  the offending field, or null when the problem is the row as a whole
 * @param reason what is wrong
 */
public record RowError(long row, String field, String reason) {
    /**
     * E.g. {@code row 12: field 'amount': expected a number, got a string: "abc"}; the field is not
     * repeated when the reason names it ({@code line 3: missing required field 'amount' (float64)}).
     */
    public String describe(String unit) {
        boolean named = field == null || reason.contains("'" + field + "'");
        return unit + " " + row + ": " + (named ? "" : "field '" + field + "': ") + reason;
    }
}
