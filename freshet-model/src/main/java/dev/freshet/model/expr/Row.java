package dev.freshet.model.expr;

/**
 * One event (or request context) with fields addressed by schema index. Primitive getters keep the
 * per-event path free of boxing; callers check {@link #isNull} first.
 *
 * <p>Numeric access: {@link #getDouble} works for every numeric type (int64, float64, timestamp);
 * {@link #getLong} for int64 and timestamp (epoch milliseconds).
 */
public interface Row {
    boolean isNull(int index);

    long getLong(int index);

    double getDouble(int index);

    boolean getBool(int index);

    /** The value as an object: String, Long, Double, Boolean (timestamps as Long epoch millis). */
    Object getObject(int index);
}
