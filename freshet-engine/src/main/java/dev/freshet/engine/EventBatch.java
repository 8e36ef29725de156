package dev.freshet.engine;

import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.Arrays;

/**
 * A columnar batch of events of one schema: primitive arrays for numeric and bool fields, object
 * arrays for strings, a null bitmap per field. Parsers append into it; the engine walks it with a
 * {@link Cursor} (a {@link Row} view of one position), so applying a batch allocates nothing per
 * event. Not thread-safe.
 */
public final class EventBatch {
    private final Schema schema;
    private final FieldType[] types;
    private final long[][] longs;
    private final double[][] doubles;
    private final Object[][] objects;
    private final long[][] nulls;
    /** Per field: whether any event in the batch has it null (lets isNull skip the bitmap). */
    private final boolean[] hasNulls;
    private int size;
    private int capacity;

    public EventBatch(Schema schema, int capacity) {
        this.schema = schema;
        int n = schema.size();
        this.types = new FieldType[n];
        this.longs = new long[n][];
        this.doubles = new double[n][];
        this.objects = new Object[n][];
        this.nulls = new long[n][];
        this.hasNulls = new boolean[n];
        this.capacity = Math.max(1, capacity);
        for (int f = 0; f < n; f++) {
            types[f] = schema.field(f).type();
            switch (types[f]) {
                case FLOAT64 -> doubles[f] = new double[this.capacity];
                case INT64, TIMESTAMP, BOOL -> longs[f] = new long[this.capacity];
                case STRING -> objects[f] = new Object[this.capacity];
            }
            nulls[f] = new long[(this.capacity + 63) >>> 6];
        }
    }

    public Schema schema() {
        return schema;
    }

    /** The type of field {@code f} (no lookup through the schema's field list). */
    public FieldType type(int f) {
        return types[f];
    }

    public int size() {
        return size;
    }

    /** Empties the batch, keeping its arrays. */
    public void clear() {
        Arrays.fill(hasNulls, false);
        pendingRow = -1;
        for (int f = 0; f < types.length; f++) {
            Arrays.fill(nulls[f], 0);
            if (objects[f] != null) {
                Arrays.fill(objects[f], 0, size, null);
            }
        }
        size = 0;
    }

    /** Starts a new event (all fields null until set) and returns its position. */
    public int addRow() {
        if (size == capacity) {
            grow();
        }
        settleNulls();
        int r = size++;
        for (int f = 0; f < types.length; f++) {
            nulls[f][r >>> 6] |= 1L << r;
        }
        pendingRow = r;
        return r;
    }

    /**
     * The row being filled: its null bits may still change. Once the next row starts, its nulls are
     * folded into {@link #hasNulls}, so setters stay branch-free.
     */
    private int pendingRow = -1;

    private void settleNulls() {
        int r = pendingRow;
        if (r >= 0) {
            for (int f = 0; f < types.length; f++) {
                if ((nulls[f][r >>> 6] & (1L << r)) != 0) {
                    hasNulls[f] = true;
                }
            }
            pendingRow = -1;
        }
    }

    /** Removes the most recently added event (e.g. one that failed validation half-way). */
    public void removeLastRow() {
        if (size == 0) {
            throw new IllegalStateException("batch is empty");
        }
        int r = --size;
        if (r == pendingRow) {
            pendingRow = -1;
        }
        for (int f = 0; f < types.length; f++) {
            if (objects[f] != null) {
                objects[f][r] = null;
            }
        }
    }

    private void grow() {
        int cap = capacity * 2;
        for (int f = 0; f < types.length; f++) {
            if (longs[f] != null) {
                longs[f] = Arrays.copyOf(longs[f], cap);
            }
            if (doubles[f] != null) {
                doubles[f] = Arrays.copyOf(doubles[f], cap);
            }
            if (objects[f] != null) {
                objects[f] = Arrays.copyOf(objects[f], cap);
            }
            nulls[f] = Arrays.copyOf(nulls[f], (cap + 63) >>> 6);
        }
        capacity = cap;
    }

    private void present(int row, int field) {
        nulls[field][row >>> 6] &= ~(1L << row);
    }

    public void setLong(int row, int field, long v) {
        if (types[field] == FieldType.FLOAT64) {
            doubles[field][row] = v;
        } else {
            longs[field][row] = v;
        }
        present(row, field);
    }

    public void setDouble(int row, int field, double v) {
        if (types[field] == FieldType.FLOAT64) {
            doubles[field][row] = v;
        } else {
            longs[field][row] = (long) v;
        }
        present(row, field);
    }

    public void setBool(int row, int field, boolean v) {
        longs[field][row] = v ? 1 : 0;
        present(row, field);
    }

    public void setString(int row, int field, String v) {
        if (v == null) {
            return;
        }
        objects[field][row] = v;
        present(row, field);
    }

    /** Sets a field from a boxed value of the field's type (null leaves it null). */
    public void setObject(int row, int field, Object v) {
        switch (v) {
            case null -> {
            }
            case String s -> setString(row, field, s);
            case Boolean b -> setBool(row, field, b);
            case Double d -> setDouble(row, field, d);
            case Number n -> setLong(row, field, n.longValue());
            default -> throw new IllegalArgumentException("unsupported value " + v.getClass().getName());
        }
    }

    public boolean isNull(int row, int field) {
        if (!hasNulls[field] && row != pendingRow) {
            return false; // no settled row has this field null
        }
        return (nulls[field][row >>> 6] & (1L << row)) != 0;
    }

    public long getLong(int row, int field) {
        return types[field] == FieldType.FLOAT64 ? (long) doubles[field][row] : longs[field][row];
    }

    public double getDouble(int row, int field) {
        return types[field] == FieldType.FLOAT64 ? doubles[field][row] : longs[field][row];
    }

    public Object getObject(int row, int field) {
        if (isNull(row, field)) {
            return null;
        }
        return switch (types[field]) {
            case STRING -> objects[field][row];
            case FLOAT64 -> doubles[field][row];
            case BOOL -> longs[field][row] != 0;
            case INT64, TIMESTAMP -> longs[field][row];
        };
    }

    /** A reusable {@link Row} view of one position of a batch. */
    public static final class Cursor implements Row {
        private EventBatch batch;
        private int row;

        public Cursor at(EventBatch b, int position) {
            this.batch = b;
            this.row = position;
            return this;
        }

        public int position() {
            return row;
        }

        @Override
        public boolean isNull(int index) {
            return batch.isNull(row, index);
        }

        @Override
        public long getLong(int index) {
            return batch.getLong(row, index);
        }

        @Override
        public double getDouble(int index) {
            return batch.getDouble(row, index);
        }

        @Override
        public boolean getBool(int index) {
            return batch.longs[index][row] != 0;
        }

        @Override
        public Object getObject(int index) {
            return batch.getObject(row, index);
        }
    }
}
