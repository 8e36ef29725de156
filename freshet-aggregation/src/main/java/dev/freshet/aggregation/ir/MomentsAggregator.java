package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;

/**
 * stddev / variance, sample (n - 1) or population (n). IR: [n, mean, M2] with Welford's update and
 * Chan et al.'s pairwise merge, which stay accurate where the naive sum-of-squares cancels.
 * Sample statistics of fewer than two values are NULL_VALUE; population ones of one value are 0.
 */
public final class MomentsAggregator implements SlotAggregator {
    public static final MomentsAggregator STDDEV = new MomentsAggregator(true, true);
    public static final MomentsAggregator VARIANCE = new MomentsAggregator(false, true);
    public static final MomentsAggregator STDDEV_POP = new MomentsAggregator(true, false);
    public static final MomentsAggregator VARIANCE_POP = new MomentsAggregator(false, false);

    private final boolean sqrt;
    private final boolean sample;

    private MomentsAggregator(boolean sqrt, boolean sample) {
        this.sqrt = sqrt;
        this.sample = sample;
    }

    @Override
    public int width() {
        return 3;
    }

    @Override
    public void init(long[] s, int o) {
        s[o] = 0;
        s[o + 1] = Double.doubleToRawLongBits(0.0);
        s[o + 2] = Double.doubleToRawLongBits(0.0);
    }

    @Override
    public void update(long[] s, int o, InputCell in, long eventTime, long seq) {
        add(s, o, in.d);
    }

    /** Welford's update, as a static for the per-event fast path (same for every variant). */
    public static void add(long[] s, int o, double v) {
        long n = s[o] + 1;
        double mean = Double.longBitsToDouble(s[o + 1]);
        double m2 = Double.longBitsToDouble(s[o + 2]);
        double delta = v - mean;
        mean += delta / n;
        m2 += delta * (v - mean);
        s[o] = n;
        s[o + 1] = Double.doubleToRawLongBits(mean);
        s[o + 2] = Double.doubleToRawLongBits(m2);
    }

    @Override
    public void merge(long[] dst, int d, long[] src, int so) {
        long nb = src[so];
        if (nb == 0) {
            return;
        }
        long na = dst[d];
        if (na == 0) {
            dst[d] = nb;
            dst[d + 1] = src[so + 1];
            dst[d + 2] = src[so + 2];
            return;
        }
        double meanA = Double.longBitsToDouble(dst[d + 1]);
        double meanB = Double.longBitsToDouble(src[so + 1]);
        double m2A = Double.longBitsToDouble(dst[d + 2]);
        double m2B = Double.longBitsToDouble(src[so + 2]);
        long n = na + nb;
        double delta = meanB - meanA;
        double mean = meanA + delta * nb / n;
        double m2 = m2A + m2B + delta * delta * ((double) na * nb / n);
        dst[d] = n;
        dst[d + 1] = Double.doubleToRawLongBits(mean);
        dst[d + 2] = Double.doubleToRawLongBits(m2);
    }

    @Override
    public void result(long[] s, int o, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        long n = s[o];
        long denominator = sample ? n - 1 : n;
        if (n == 0 && !windowHasEvents) {
            out.setAbsent(index, Status.NOT_FOUND, eventTime);
        } else if (denominator <= 0) {
            out.setAbsent(index, Status.NULL_VALUE, eventTime);
        } else {
            double variance = Math.max(0.0, Double.longBitsToDouble(s[o + 2]) / denominator);
            out.setDouble(index, sqrt ? Math.sqrt(variance) : variance, eventTime);
        }
    }
}
