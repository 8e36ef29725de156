package dev.freshet.app.imports;

import java.util.List;

/** The file has rows that failed validation and the import does not skip them: nothing was written. */
public final class InvalidRowsException extends ImportException {
    private final List<RowError> first;
    private final long count;
    private final String unit;

    public InvalidRowsException(List<RowError> first, long count, String unit) {
        super(count + " invalid " + unit + (count == 1 ? "" : "s") + "; nothing was imported");
        this.first = List.copyOf(first);
        this.count = count;
        this.unit = unit;
    }

    /** The first invalid rows, in file order (at most {@link HistoricalImport#ERRORS_SHOWN}). */
    public List<RowError> first() {
        return first;
    }

    /** How many rows are invalid in all. */
    public long count() {
        return count;
    }

    /** {@code "row"} or {@code "line"}. */
    public String unit() {
        return unit;
    }
}
