package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;

/**
 * The state of one group of features that share a storage shape (same hop, lifetime, or same
 * session gap) for every key of a table. Keys are dense ids from {@link KeyIndex}.
 */
public interface GroupState {
    /** Makes room for key ids below {@code keys}. */
    void ensureKeys(int keys);

    /**
     * Loads the memory {@link #apply} will touch for this key and event time (a software prefetch
     * for batched application); returns a value only to keep the load alive.
     */
    long touch(int key, long eventTime);

    /** Folds the current event into the key's state. */
    void apply(int key, EventContext ctx);

    /**
     * Writes this group's features for read time {@code t} into {@code out}. Exact provided every
     * applied event of the key has {@code event_time < t}.
     */
    void read(int key, long t, FeatureVector out, ReadScratch scratch);

    /** Merges {@code other}'s state of {@code otherKey} (same plan) into this key's state. */
    void mergeFrom(int key, GroupState other, int otherKey);

    /** Serializes the key's state (tiles or sessions). */
    void write(int key, ByteWriter out);

    /** Restores the key's state written by {@link #write}; the key's state must be empty. */
    void read(int key, ByteReader in);

    /** Approximate heap bytes held for this key. */
    long bytes(int key);

    /** Read-time scratch space sized for this group. */
    ReadScratch newScratch();

    /** The group's tile layout. */
    TileLayout layout();

    /** Writes the values of an empty window (count 0, others NOT_FOUND) for this group's features. */
    default void readEmpty(FeatureVector out, ReadScratch scratch) {
        scratch.reset(layout());
        scratch.finish(layout(), out);
    }
}
