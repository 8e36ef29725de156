package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;

/** min / max over int64 or float64 inputs. IR: [has value (0/1), value]. */
public final class MinMaxAggregator implements SlotAggregator {
    public static final MinMaxAggregator MIN_LONG = new MinMaxAggregator(false, true);
    public static final MinMaxAggregator MAX_LONG = new MinMaxAggregator(true, true);
    public static final MinMaxAggregator MIN_DOUBLE = new MinMaxAggregator(false, false);
    public static final MinMaxAggregator MAX_DOUBLE = new MinMaxAggregator(true, false);

    private final boolean max;
    private final boolean integral;

    private MinMaxAggregator(boolean max, boolean integral) {
        this.max = max;
        this.integral = integral;
    }

    @Override
    public int width() {
        return 2;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = 0;
        s[o + 1] = 0;
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        if (integral) {
            accept(s, o, in.l);
        } else if (max) {
            maxDouble(s, o, in.d);
        } else {
            minDouble(s, o, in.d);
        }
    }

    /**
     * max over float64, as a static for the per-event fast path. Ordered by {@link Double#compare}
     * (0.0 above -0.0), so the result does not depend on which zero came or merged first.
     */
    public static void maxDouble(long[] s, int o, double v) {
        if (s[o] == 0 || Double.compare(v, Double.longBitsToDouble(s[o + 1])) > 0) {
            s[o] = 1;
            s[o + 1] = Double.doubleToRawLongBits(v);
        }
    }

    /** min over float64, as a static for the per-event fast path; ordered like {@link #maxDouble}. */
    public static void minDouble(long[] s, int o, double v) {
        if (s[o] == 0 || Double.compare(v, Double.longBitsToDouble(s[o + 1])) < 0) {
            s[o] = 1;
            s[o + 1] = Double.doubleToRawLongBits(v);
        }
    }

    private void accept(long[] s, int o, long v) {
        if (s[o] == 0) {
            s[o] = 1;
            s[o + 1] = v;
        } else if (better(v, s[o + 1])) {
            s[o + 1] = v;
        }
    }

    private boolean better(long candidate, long current) {
        if (integral) {
            return max ? candidate > current : candidate < current;
        }
        int c = Double.compare(Double.longBitsToDouble(candidate), Double.longBitsToDouble(current));
        return max ? c > 0 : c < 0;
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        if (src[so] != 0) {
            accept(dst, d, src[so + 1]);
        }
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        if (s[o] == 0) {
            out.setAbsent(index, windowHasEvents ? Status.NULL_VALUE : Status.NOT_FOUND, eventTime);
        } else if (integral) {
            out.setLong(index, s[o + 1], eventTime);
        } else {
            out.setDouble(index, Double.longBitsToDouble(s[o + 1]), eventTime);
        }
    }
}
