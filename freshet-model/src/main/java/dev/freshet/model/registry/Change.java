package dev.freshet.model.registry;

/** What applying a plan does to one object. */
public enum Change {
    /** New object (or a retired one coming back): gets a new version. */
    ADDED,
    /** Content differs from the current version: gets version + 1. */
    CHANGED,
    /** Same content hash as the current version: nothing is recorded. */
    UNCHANGED,
    /** No longer in the repository: marked retired, its versions are kept. */
    REMOVED
}
