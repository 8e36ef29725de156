package dev.freshet.model.expr;

import java.util.Arrays;

/**
 * A {@link Row} backed by an {@code Object[]} (Long for int64 and timestamp, Double for float64,
 * String, Boolean; null for null). Boxes on every access: meant for tests, request contexts and slow
 * paths, not for the per-event hot path.
 *
 * <pre>{@code
 * Row row = ArrayRow.of("card-1", 12.5, null);
 * }</pre>
 */
public final class ArrayRow implements Row {
    private final Object[] values;

    /** Wraps (does not copy) the array. */
    public ArrayRow(Object[] values) {
        this.values = values;
    }

    /** A row holding these values, in schema order. */
    public static ArrayRow of(Object... values) {
        return new ArrayRow(values.clone());
    }

    /** Number of values. */
    public int size() {
        return values.length;
    }

    @Override
    public boolean isNull(int index) {
        return values[index] == null;
    }

    @Override
    public long getLong(int index) {
        return ((Number) values[index]).longValue();
    }

    @Override
    public double getDouble(int index) {
        return ((Number) values[index]).doubleValue();
    }

    @Override
    public boolean getBool(int index) {
        return (Boolean) values[index];
    }

    @Override
    public Object getObject(int index) {
        return values[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayRow other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
