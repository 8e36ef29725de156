package dev.freshet.aggregation.ir;

/**
 * The value of one input expression for the current event, filled once per event by the driver and
 * read by every aggregator that uses that input. Reused across events: no allocation per event.
 *
 * <p>For numeric inputs both {@link #d} and (for int64/timestamp inputs) {@link #l} are set. NaN
 * float inputs are treated as null. For string/bool inputs {@link #o} holds the value.
 */
public final class InputCell {
    /** True when the input is null for this event; aggregators other than count skip it. */
    public boolean isNull;
    public double d;
    public long l;
    public Object o;
    /** True when the numeric value came from an int64/timestamp input ({@link #l} is exact). */
    public boolean integral;

    public InputCell setNull() {
        isNull = true;
        o = null;
        return this;
    }

    public InputCell setDouble(double v) {
        if (Double.isNaN(v)) {
            return setNull();
        }
        isNull = false;
        d = v;
        l = (long) v;
        o = null;
        integral = false;
        return this;
    }

    public InputCell setLong(long v) {
        isNull = false;
        l = v;
        d = v;
        o = null;
        integral = true;
        return this;
    }

    public InputCell setObject(Object v) {
        if (v == null) {
            return setNull();
        }
        isNull = false;
        o = v;
        return this;
    }

    /** The value boxed (Long for int64/timestamp inputs, Double for float64), for object aggregators. */
    public Object boxed() {
        if (isNull) {
            return null;
        }
        if (o != null) {
            return o;
        }
        return integral ? (Object) l : (Object) d;
    }
}
