package dev.freshet.engine;

import dev.freshet.model.expr.Row;

/** An immutable copy of a row's values, for events the driver must hold (future events). */
final class SnapshotRow implements Row {
    private final Object[] values;

    SnapshotRow(Row source, int fields) {
        values = new Object[fields];
        for (int i = 0; i < fields; i++) {
            values[i] = source.isNull(i) ? null : source.getObject(i);
        }
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
