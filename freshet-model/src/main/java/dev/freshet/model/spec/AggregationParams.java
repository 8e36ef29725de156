package dev.freshet.model.spec;

/**
 * Parameters of the functions that take one. Unused ones keep their defaults.
 *
 * @param n          last_n: number of values kept (default 10)
 * @param k          top_k: number of items returned (default 5); approx_percentile: KLL k (default 200)
 * @param percentile approx_percentile: rank in [0, 1] (default 0.5)
 * @param lgK        approx_count_distinct: log2 of HLL buckets, 4..21 (default 12)
 */
public record AggregationParams(int n, int k, double percentile, int lgK) {
    public static final AggregationParams DEFAULTS = new AggregationParams(10, 0, 0.5, 12);

    /** k for top_k when unset. */
    public int topK() {
        return k > 0 ? k : 5;
    }

    /** k for KLL when unset. */
    public int kllK() {
        return k > 0 ? k : 200;
    }
}
