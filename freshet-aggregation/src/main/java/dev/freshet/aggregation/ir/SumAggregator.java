package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;

/**
 * sum over int64 inputs (exact, two's-complement wrap on overflow) or float64 inputs (IEEE addition
 * in application order). IR: [sum]. Empty window → 0.
 */
public final class SumAggregator implements SlotAggregator {
    public static final SumAggregator LONG = new SumAggregator(true);
    public static final SumAggregator DOUBLE = new SumAggregator(false);

    private final boolean integral;

    private SumAggregator(boolean integral) {
        this.integral = integral;
    }

    @Override
    public int width() {
        return 1;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = integral ? 0 : Double.doubleToRawLongBits(0.0);
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        if (integral) {
            addLong(s, o, in.l);
        } else {
            addDouble(s, o, in.d);
        }
    }

    /** The int64 update, as a static for the per-event fast path. */
    public static void addLong(long[] s, int o, long v) {
        s[o] += v;
    }

    /** The float64 update, as a static for the per-event fast path. */
    public static void addDouble(long[] s, int o, double v) {
        s[o] = Double.doubleToRawLongBits(Double.longBitsToDouble(s[o]) + v);
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        if (integral) {
            dst[d] += src[so];
        } else {
            dst[d] = Double.doubleToRawLongBits(Double.longBitsToDouble(dst[d]) + Double.longBitsToDouble(src[so]));
        }
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (integral) {
            out.setLong(index, s[o], eventTime);
        } else {
            out.setDouble(index, Double.longBitsToDouble(s[o]), eventTime);
        }
    }
}
