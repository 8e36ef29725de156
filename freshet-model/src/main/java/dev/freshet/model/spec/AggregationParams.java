package dev.freshet.model.spec;

/**
 * Parameters of the functions that take one. Unused ones keep their defaults.
 *
 * @param n                last_n: number of values kept (default 10)
 * @param k                top_k: number of items returned (0 = the default, 5); approx_percentile
 *                         takes no {@code k} (it must stay 0)
 * @param percentile       approx_percentile: quantile q in [0, 1] (default 0.5); the value of rank
 *                         {@code floor(q * (n - 1))} of the window's n values sorted ascending
 * @param lgK              approx_count_distinct: log2 of HLL buckets, 4..21 (default 12)
 * @param relativeAccuracy approx_percentile: relative accuracy α of the DDSketch, in
 *                         [{@link #MIN_RELATIVE_ACCURACY}, {@link #MAX_RELATIVE_ACCURACY}] (default
 *                         0.01): the result lies within α·|x| of the exact quantile x
 */
public record AggregationParams(int n, int k, double percentile, int lgK, double relativeAccuracy) {
    /** Smallest accepted relative accuracy (finer sketches need ~1/α bins per decade of values). */
    public static final double MIN_RELATIVE_ACCURACY = 0.001;
    /** Largest accepted relative accuracy. */
    public static final double MAX_RELATIVE_ACCURACY = 0.1;
    public static final AggregationParams DEFAULTS = new AggregationParams(10, 0, 0.5, 12, 0.01);

    /** k for top_k when unset. */
    public int topK() {
        return k > 0 ? k : 5;
    }
}
