package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;

/**
 * An aggregation whose IR is an object: sets, sketches (HLL, DDSketch, frequent items), last-N lists.
 * A null IR is the empty aggregate, so empty tiles cost nothing.
 *
 * <p>Mutation rule: {@link #update} and {@link #merge} may mutate and return their first argument
 * (or return a new object when it was null); they never mutate or retain the second argument of
 * {@code merge}. Readers therefore start from {@code null} and merge tile IRs into a fresh result.
 */
public interface ObjectAggregator {
    /** Folds one non-null input into {@code ir} (null = empty) and returns the IR. */
    Object update(Object ir, InputCell in, long eventTime, long seq);

    /** Folds {@code other} (never mutated, may be null) into {@code into} (may be null); returns the IR. */
    Object merge(Object into, Object other);

    /** Writes the final value of {@code ir} (null = empty). */
    void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime);

    /** Serializes a non-null IR. */
    void write(Object ir, ByteWriter out);

    /** Reads an IR written by {@link #write}. */
    Object read(ByteReader in);

    /**
     * Loads the objects an {@link #update} of the non-null {@code ir} will dereference first (a
     * software prefetch for staged application: an IR is a chain of objects, each a dependent cache
     * miss); returns a value only to keep the loads alive. Reads, never changes, the IR.
     */
    default long touch(Object ir) {
        return 0;
    }

    /**
     * Empties a read-time merge result so the next read can merge into it instead of allocating a
     * new one: returns the emptied IR, which must then behave exactly like {@code null} in
     * {@link #merge} and {@link #result}, or null when this aggregation does not reuse its results
     * (the default). Called only on IRs a reader created by merging into null, never on tile state.
     */
    default Object recycle(Object ir) {
        return null;
    }

    /** Approximate heap bytes held by {@code ir}, for state-size reporting. */
    long sizeBytes(Object ir);
}
