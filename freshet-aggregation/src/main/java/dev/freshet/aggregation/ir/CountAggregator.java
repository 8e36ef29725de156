package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;

/** count: number of events (null inputs included). IR: [count]. Empty window → 0. */
public final class CountAggregator implements SlotAggregator {
    public static final CountAggregator INSTANCE = new CountAggregator();

    @Override
    public int width() {
        return 1;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = 0;
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        add(s, o);
    }

    /** The update, as a static for the per-event fast path. */
    public static void add(long[] s, int o) {
        s[o]++;
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        dst[d] += src[so];
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        out.setLong(index, s[o], eventTime);
    }
}
