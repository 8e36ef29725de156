package dev.freshet.model.builder;

import dev.freshet.model.spec.AggregationFunction;

/**
 * Entry point for streaming aggregation builders, one factory per function.
 *
 * <pre>{@code
 * Aggregations.count("txn_count_5m").over(Duration.ofMinutes(5));
 * Aggregations.sum("amount_sum_1h", "amount").over(Duration.ofHours(1)).hop(Duration.ofMinutes(5)).where("amount > 0");
 * Aggregations.approxPercentile("amount_p95_24h", "amount", 0.95).over(Duration.ofHours(24));
 * Aggregations.last("last_lat", "lat").lifetime();
 * }</pre>
 */
public final class Aggregations {
    private Aggregations() {
    }

    /** Any function; {@code input} is null for count. */
    public static AggregationBuilder of(String name, AggregationFunction function, String input) {
        return new AggregationBuilder(name, function, input);
    }

    /** Counts events (no input; combine with {@code where} to count some). */
    public static AggregationBuilder count(String name) {
        return of(name, AggregationFunction.COUNT, null);
    }

    public static AggregationBuilder sum(String name, String input) {
        return of(name, AggregationFunction.SUM, input);
    }

    public static AggregationBuilder avg(String name, String input) {
        return of(name, AggregationFunction.AVG, input);
    }

    public static AggregationBuilder min(String name, String input) {
        return of(name, AggregationFunction.MIN, input);
    }

    public static AggregationBuilder max(String name, String input) {
        return of(name, AggregationFunction.MAX, input);
    }

    /** Sample standard deviation (n - 1). */
    public static AggregationBuilder stddev(String name, String input) {
        return of(name, AggregationFunction.STDDEV, input);
    }

    /** Sample variance (n - 1). */
    public static AggregationBuilder variance(String name, String input) {
        return of(name, AggregationFunction.VARIANCE, input);
    }

    public static AggregationBuilder stddevPop(String name, String input) {
        return of(name, AggregationFunction.STDDEV_POP, input);
    }

    public static AggregationBuilder variancePop(String name, String input) {
        return of(name, AggregationFunction.VARIANCE_POP, input);
    }

    public static AggregationBuilder first(String name, String input) {
        return of(name, AggregationFunction.FIRST, input);
    }

    public static AggregationBuilder last(String name, String input) {
        return of(name, AggregationFunction.LAST, input);
    }

    /** Up to {@code n} most recent values, most recent first. */
    public static AggregationBuilder lastN(String name, String input, int n) {
        return of(name, AggregationFunction.LAST_N, input).n(n);
    }

    public static AggregationBuilder countDistinct(String name, String input) {
        return of(name, AggregationFunction.COUNT_DISTINCT, input);
    }

    public static AggregationBuilder approxCountDistinct(String name, String input) {
        return of(name, AggregationFunction.APPROX_COUNT_DISTINCT, input);
    }

    /**
     * Approximate percentile, {@code percentile} (q) in [0, 1]: the value of rank {@code floor(q * (n - 1))}
     * of the window's n values sorted ascending, from a DDSketch within 1% of it (set
     * {@link AggregationBuilder#relativeAccuracy} to change that).
     */
    public static AggregationBuilder approxPercentile(String name, String input, double percentile) {
        return of(name, AggregationFunction.APPROX_PERCENTILE, input).percentile(percentile);
    }

    /** The {@code k} most frequent values; {@code k} must be positive ({@link AggregationBuilder#k}). */
    public static AggregationBuilder topK(String name, String input, int k) {
        return of(name, AggregationFunction.TOP_K, input).k(k);
    }
}
