package dev.freshet.aggregation;

/** How a feature's value is held in a {@link FeatureVector}. */
public enum ValueKind {
    /** {@code long}: counts, integer sums/min/max, distinct counts, timestamps. */
    INT64,
    /** {@code double}. */
    FLOAT64,
    /** {@link String}. */
    STRING,
    BOOL,
    /** An immutable {@link java.util.List} (last_n, top_k). */
    LIST
}
