package dev.freshet.aggregation;

import java.util.Arrays;

/**
 * A reusable, columnar vector of feature values: for each feature index a status, a kind, the value
 * and its event timestamp. Reads fill it in place so the serving path allocates nothing for
 * primitive values. Not thread-safe; one per reader.
 */
public final class FeatureVector {
    /** Event timestamp used when a value has none (empty window). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final Status[] status;
    private final ValueKind[] kind;
    private final long[] longs;
    private final double[] doubles;
    private final Object[] objects;
    private final long[] eventTimes;

    /** Features the reader asked for (null = all): groups of features none of which is wanted may be skipped. */
    private final boolean[] wanted;

    public FeatureVector(int size) {
        this(size, null);
    }

    /**
     * A vector whose reads may leave features with {@code wanted[i] == false} unset (NOT_FOUND): a
     * table skips each storage group none of whose features is wanted, and hopping groups skip the
     * merges of unwanted features. {@code wanted} is shared, not copied (one per cached service plan,
     * a vector per request): it must not change while the vector is in use.
     */
    public FeatureVector(int size, boolean[] wanted) {
        if (wanted != null && wanted.length != size) {
            throw new IllegalArgumentException("wanted has " + wanted.length + " entries for " + size + " features");
        }
        this.wanted = wanted;
        status = new Status[size];
        kind = new ValueKind[size];
        longs = new long[size];
        doubles = new double[size];
        objects = new Object[size];
        eventTimes = new long[size];
        clear();
    }

    public int size() {
        return status.length;
    }

    /** Whether feature {@code i} is wanted. */
    public boolean wants(int i) {
        return wanted == null || wanted[i];
    }

    /** Whether any of the features {@code indexes} is wanted. */
    public boolean wantsAny(int[] indexes) {
        if (wanted == null) {
            return true;
        }
        for (int i : indexes) {
            if (wanted[i]) {
                return true;
            }
        }
        return false;
    }

    public void clear() {
        Arrays.fill(status, Status.NOT_FOUND);
        Arrays.fill(objects, null);
        Arrays.fill(eventTimes, NO_TIMESTAMP);
    }

    public void setLong(int i, long v, long eventTime) {
        status[i] = Status.PRESENT;
        kind[i] = ValueKind.INT64;
        longs[i] = v;
        objects[i] = null;
        eventTimes[i] = eventTime;
    }

    public void setDouble(int i, double v, long eventTime) {
        status[i] = Status.PRESENT;
        kind[i] = ValueKind.FLOAT64;
        doubles[i] = v;
        objects[i] = null;
        eventTimes[i] = eventTime;
    }

    /** Sets an object value; its kind is derived from its class. */
    public void setObject(int i, Object v, long eventTime) {
        switch (v) {
            case Long l -> setLong(i, l, eventTime);
            case Double d -> setDouble(i, d, eventTime);
            case Boolean b -> {
                status[i] = Status.PRESENT;
                kind[i] = ValueKind.BOOL;
                longs[i] = b ? 1 : 0;
                objects[i] = null;
                eventTimes[i] = eventTime;
            }
            default -> {
                status[i] = Status.PRESENT;
                kind[i] = v instanceof java.util.List<?> ? ValueKind.LIST : ValueKind.STRING;
                objects[i] = v instanceof java.util.List<?> ? v : v.toString();
                eventTimes[i] = eventTime;
            }
        }
    }

    /** Marks value {@code i} absent with the given non-PRESENT status. */
    public void setAbsent(int i, Status s, long eventTime) {
        if (s == Status.PRESENT) {
            throw new IllegalArgumentException("absent value cannot be PRESENT");
        }
        status[i] = s;
        kind[i] = null;
        objects[i] = null;
        eventTimes[i] = eventTime;
    }

    public Status status(int i) {
        return status[i];
    }

    public ValueKind kind(int i) {
        return kind[i];
    }

    public long getLong(int i) {
        return longs[i];
    }

    public double getDouble(int i) {
        return doubles[i];
    }

    public boolean getBool(int i) {
        return longs[i] != 0;
    }

    public Object getObject(int i) {
        return objects[i];
    }

    public long eventTime(int i) {
        return eventTimes[i];
    }

    /** The value boxed (for JSON, tests and slow paths), or null when not PRESENT. */
    public Object value(int i) {
        if (status[i] != Status.PRESENT) {
            return null;
        }
        return switch (kind[i]) {
            case INT64 -> longs[i];
            case FLOAT64 -> doubles[i];
            case BOOL -> longs[i] != 0;
            case STRING, LIST -> objects[i];
        };
    }
}
