package dev.freshet.testkit;

/**
 * The exact quantile approx_percentile approximates, and the accuracy it promises, written without
 * any production code. For n values sorted ascending the exact answer for quantile q is the lower
 * quantile: the value of rank {@code floor(q·(n−1))} (0-based, {@code q·(n−1)} in double arithmetic).
 * A DDSketch with relative accuracy α returns a value within {@code α·|x|} of it.
 */
public final class Quantiles {
    /** Slack on the bound for the rounding of the sketch's bin values (exp/log in double). */
    private static final double ROUNDING = 1e-9;

    private Quantiles() {
    }

    /** The value of rank {@code floor(q·(n−1))} of {@code sortedAscending} (n ≥ 1, q in [0, 1]). */
    public static double lower(double[] sortedAscending, double q) {
        if (sortedAscending.length == 0 || !(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("need values and q in [0, 1], got " + sortedAscending.length + " values, q=" + q);
        }
        return sortedAscending[(int) Math.floor(q * (sortedAscending.length - 1))];
    }

    /**
     * Whether {@code actual} is within relative accuracy {@code alpha} of {@code exact}:
     * {@code |actual − exact| <= α·|exact|} (up to rounding), so a zero reads exactly zero (of either
     * sign) and an infinity reads exactly that infinity.
     */
    public static boolean withinRelativeAccuracy(double exact, double actual, double alpha) {
        if (Double.isNaN(exact) || Double.isNaN(actual)) {
            return false;
        }
        if (Double.isInfinite(exact)) {
            return actual == exact;
        }
        return Math.abs(actual - exact) <= alpha * Math.abs(exact) * (1 + ROUNDING);
    }
}
