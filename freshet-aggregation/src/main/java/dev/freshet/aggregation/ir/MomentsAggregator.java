package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;

/**
 * stddev / variance, sample (n - 1) or population (n). IR: [n, mean, M2] with Welford's update and
 * Chan et al.'s pairwise merge, which stay accurate where the naive sum-of-squares cancels.
 * Sample statistics of fewer than two values are NULL_VALUE; population ones of one value are 0.
 *
 * <p><b>Overflow.</b> M2 (the sum of squared deviations) of finite values can exceed the double
 * range although the variance, or at least the stddev, does not (a deviation alone overflows for
 * values of opposite signs above 2^1023). When an update or merge would make M2 non-finite, the
 * state switches to the <i>scaled</i> form: the IR of the values times 2^-{@value #SCALE}, with M2
 * stored negated to mark it (M2 is never negative otherwise). There M2 of up to 2^63 values of any
 * finite magnitudes fits, and what scaling loses (differences below 2^-498) is negligible beside an
 * M2 of at least 2^1023. Reads scale back: a variance beyond the double range reads +Infinity, a
 * stddev within it reads its value. States that never reach the limit are computed and stored
 * exactly as before, for two predictable comparisons per event. An infinite input makes the result
 * NaN, as the definition's arithmetic does.
 */
public final class MomentsAggregator implements SlotAggregator {
    public static final MomentsAggregator STDDEV = new MomentsAggregator(true, true);
    public static final MomentsAggregator VARIANCE = new MomentsAggregator(false, true);
    public static final MomentsAggregator STDDEV_POP = new MomentsAggregator(true, false);
    public static final MomentsAggregator VARIANCE_POP = new MomentsAggregator(false, false);

    /** log2 of the scaled form's factor: there, M2 of 2^63 values spanning ±MAX_VALUE stays below 2^960. */
    static final int SCALE = 576;
    private static final double DOWN = Math.scalb(1.0, -SCALE);
    private static final double UP = Math.scalb(1.0, SCALE);

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
        double m2 = Double.longBitsToDouble(s[o + 2]);
        if (m2 < 0.0 || !welford(s, o, v, Double.longBitsToDouble(s[o + 1]), m2, false)) {
            welford(s, o, v * DOWN, scaledMean(s, o), scaledM2(s, o), true);
        }
    }

    /**
     * One Welford step by {@code x} from {@code [s[o], mean, m2]}; stores the new state (in the
     * scaled form when {@code scaled}) and returns true, or stores nothing and returns false when an
     * unscaled M2 would not be finite.
     */
    private static boolean welford(long[] s, int o, double x, double mean, double m2, boolean scaled) {
        long n = s[o] + 1;
        double delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
        return store(s, o, n, mean, m2, scaled);
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
        double m2A = Double.longBitsToDouble(dst[d + 2]);
        double m2B = Double.longBitsToDouble(src[so + 2]);
        if (m2A < 0.0 || m2B < 0.0 || !chan(dst, d, nb, Double.longBitsToDouble(dst[d + 1]), m2A,
                Double.longBitsToDouble(src[so + 1]), m2B, false)) {
            chan(dst, d, nb, scaledMean(dst, d), scaledM2(dst, d), scaledMean(src, so), scaledM2(src, so), true);
        }
    }

    /** Chan's merge of {@code nb} values (meanB, m2B) into {@code [dst[d], meanA, m2A]}; stores as {@link #welford}. */
    private static boolean chan(long[] dst, int d, long nb, double meanA, double m2A, double meanB, double m2B, boolean scaled) {
        long na = dst[d];
        long n = na + nb;
        double delta = meanB - meanA;
        double mean = meanA + delta * nb / n;
        double m2 = m2A + m2B + delta * delta * ((double) na * nb / n);
        return store(dst, d, n, mean, m2, scaled);
    }

    private static boolean store(long[] s, int o, long n, double mean, double m2, boolean scaled) {
        if (!scaled && !Double.isFinite(m2)) {
            return false;
        }
        s[o] = n;
        s[o + 1] = Double.doubleToRawLongBits(mean);
        s[o + 2] = Double.doubleToRawLongBits(scaled ? -m2 : m2);
        return true;
    }

    /** The state's mean in the scaled form. */
    private static double scaledMean(long[] s, int o) {
        double mean = Double.longBitsToDouble(s[o + 1]);
        return Double.longBitsToDouble(s[o + 2]) < 0.0 ? mean : mean * DOWN;
    }

    /** The state's M2 in the scaled form (positive). */
    private static double scaledM2(long[] s, int o) {
        double m2 = Double.longBitsToDouble(s[o + 2]);
        return m2 < 0.0 ? -m2 : m2 * DOWN * DOWN;
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
            double m2 = Double.longBitsToDouble(s[o + 2]);
            double up = m2 < 0.0 ? UP : 1.0; // the scaled form: see the class comment
            double variance = Math.abs(m2) / denominator;
            out.setDouble(index, sqrt ? Math.sqrt(variance) * up : variance * up * up, eventTime);
        }
    }
}
