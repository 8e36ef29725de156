package dev.freshet.aggregation;

/**
 * Status of every served or computed feature value (DESIGN §3).
 */
public enum Status {
    /** A value is present. */
    PRESENT,
    /** The window had events but no usable value (all inputs null, or fewer than two for stddev). */
    NULL_VALUE,
    /** No event (or row) for this entity within the window. */
    NOT_FOUND,
    /** Batch features: the latest row is older than the view's TTL. */
    OUTSIDE_MAX_AGE
}
