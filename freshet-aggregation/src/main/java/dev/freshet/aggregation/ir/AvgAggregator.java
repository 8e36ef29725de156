package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;

/** avg: IR [n, sum as double]. No values → NOT_FOUND (empty window) or NULL_VALUE. */
public final class AvgAggregator implements SlotAggregator {
    public static final AvgAggregator INSTANCE = new AvgAggregator();

    @Override
    public int width() {
        return 2;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = 0;
        s[o + 1] = Double.doubleToRawLongBits(0.0);
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        add(s, o, in.d);
    }

    /** The update, as a static for the per-event fast path. */
    public static void add(long[] s, int o, double v) {
        s[o]++;
        s[o + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(s[o + 1]) + v);
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        dst[d] += src[so];
        dst[d + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(dst[d + 1]) + Double.longBitsToDouble(src[so + 1]));
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        long n = s[o];
        if (n == 0) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else {
            out.setDouble(index, Double.longBitsToDouble(s[o + 1]) / n, eventTime);
        }
    }
}
