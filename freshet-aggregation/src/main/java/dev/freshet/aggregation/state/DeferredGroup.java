package dev.freshet.aggregation.state;

import dev.freshet.aggregation.FeatureVector;

/**
 * A group whose events may wait in the table's {@link EventTail} (numeric inputs, no object IRs):
 * what reads, checkpoints and merges need to fold those events in without changing the stored state.
 */
interface DeferredGroup extends GroupState {
    /** Copies key {@code key}'s state over {@code dst}'s key {@code dstKey} (a group of the same plan). */
    void copyKey(int key, DeferredGroup dst, int dstKey);

    /** Latest event time in the key's tiles, Long.MIN_VALUE if none. */
    long maxEventTime(int key);

    /** A reader's overlay for this group, with room for {@code tiles} tiles. */
    TileOverlay newOverlay(int tiles);

    /**
     * Whether an event at {@code eventTime} lands in a tile a read at {@code t} merges; folding an
     * event that does not changes nothing the read sees.
     */
    boolean visibleAt(long eventTime, long t);

    /** Folds the event in {@code ctx} into the overlay exactly as {@link #apply} would into key {@code key}. */
    void applyTo(TileOverlay overlay, int key, EventContext ctx);

    /** Reads the key, taking the tiles {@code overlay} holds (if not null) from it. */
    void read(int key, long t, FeatureVector out, ReadScratch scratch, TileOverlay overlay);
}
