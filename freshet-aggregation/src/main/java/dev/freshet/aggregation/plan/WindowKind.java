package dev.freshet.aggregation.plan;

/** How a feature's window is stored: hop tiles, one lifetime accumulator, or session runs. */
public enum WindowKind {
    HOPPING, LIFETIME, SESSION
}
