package dev.freshet.aggregation.plan;

/**
 * How a feature's window is stored: hop tiles, one lifetime accumulator, session runs, or the
 * latest row of a batch source (latest-value features with a TTL).
 */
public enum WindowKind {
    HOPPING, LIFETIME, SESSION, LATEST
}
