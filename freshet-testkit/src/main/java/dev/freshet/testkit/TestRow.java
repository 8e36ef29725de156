package dev.freshet.testkit;

import dev.freshet.model.expr.Row;

/** A {@link Row} over an {@code Object[]} of boxed values (String, Long, Double, Boolean). */
public final class TestRow implements Row {
    private Object[] values;

    public TestRow(Object[] values) {
        this.values = values;
    }

    /** Points this row at other values (lets a test replay many events through one row object). */
    public TestRow reset(Object[] newValues) {
        this.values = newValues;
        return this;
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
}
