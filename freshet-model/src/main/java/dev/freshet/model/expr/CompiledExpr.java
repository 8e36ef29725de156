package dev.freshet.model.expr;

import dev.freshet.model.spec.FieldType;

/**
 * An input or filter expression compiled against a schema. Common shapes (a field, a constant,
 * comparisons, arithmetic, boolean logic) compile to direct code with no allocation per call;
 * anything else falls back to a CEL program. Both give identical results (tests prove it).
 *
 * <p>Null semantics: if any field the expression reads is null (and the expression does not test
 * for null itself), the result is null; {@link #isNull} tells, and the typed getters must only be
 * called when it returns false. A null filter result counts as false.
 *
 * <p>Precisely (identical in the direct and the CEL form): a null field behaves like a CEL error
 * value, and so do CEL's runtime errors (int overflow, division or modulo by zero, {@code int()} of
 * an out-of-range double). Errors propagate through every operator except {@code &&}, {@code ||}
 * and the branches of {@code ?:} not taken, which follow CEL's commutative rules:
 * {@code false && null == false}, {@code true || null == true}, otherwise null. A final error is
 * reported as a null result. See docs/FEATURE_REPOSITORY.md, "Expressions".
 *
 * <p>Implementations are immutable and thread-safe. The typed getters of direct expressions do not
 * allocate; {@link #evalObject} boxes.
 */
public interface CompiledExpr {
    /** The static result type. */
    FieldType type();

    /** The source text, as written. */
    String text();

    boolean isNull(Row row);

    /** Numeric result (any numeric type widened to double). */
    double evalDouble(Row row);

    long evalLong(Row row);

    boolean evalBool(Row row);

    /** Result as an object (String, Long, Double, Boolean), or null. */
    Object evalObject(Row row);

    /** True when this expression runs as direct code rather than through the CEL interpreter. */
    boolean isDirect();

    /**
     * Filter test: true only when the result is non-null and true (a null filter result counts as
     * false). Direct boolean expressions answer in one pass; prefer this over
     * {@code !isNull(row) && evalBool(row)} for filters.
     */
    default boolean test(Row row) {
        return !isNull(row) && evalBool(row);
    }

    /**
     * The schema index of the field when the expression is a bare field reference (e.g.
     * {@code amount}), else -1. Lets hot paths read the row directly.
     */
    default int fieldIndex() {
        return -1;
    }
}
