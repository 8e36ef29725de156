package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;

/**
 * An aggregation whose intermediate representation (IR) is a fixed number of {@code long} slots
 * ({@link #width()}) inside a caller-owned {@code long[]}; doubles are stored as raw bits. This is
 * the allocation-free path for count, sum, avg, min, max, stddev/variance, first and last over
 * numbers: tiles of many keys live side by side in one primitive array.
 *
 * <p>Contract (all methods pure functions of their arguments):
 * <ul>
 *   <li>{@link #init} writes the IR of the empty aggregate.</li>
 *   <li>{@link #update} folds one non-null input (count also receives null inputs) into the IR.
 *       Only the slots {@code [o, o + width())} are touched.</li>
 *   <li>{@link #merge} folds {@code src} into {@code dst}; {@code src} is not modified. Merge is
 *       associative and agrees with update: merge(A, B) equals the IR of A's events then B's.</li>
 *   <li>{@link #result} finalizes into a {@link FeatureVector} without modifying the IR.</li>
 * </ul>
 */
public interface SlotAggregator {
    int width();

    void init(long[] s, int o);

    void update(long[] s, int o, InputCell in, long eventTime, long seq);

    void merge(long[] dst, int d, long[] src, int so);

    /**
     * Writes the final value.
     *
     * @param windowHasEvents whether the window holds any event of the entity (NOT_FOUND vs NULL_VALUE)
     * @param eventTime       timestamp to report with the value
     */
    void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime);
}
