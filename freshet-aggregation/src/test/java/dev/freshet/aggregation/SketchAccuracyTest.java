package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.Quantiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The approximate functions in estimation mode, with their default parameters, read through the
 * tile merge path (a 10-hop window) and through a single lifetime accumulator. approx_percentile
 * is checked against the exact lower quantile ({@link Quantiles}): within its relative accuracy.
 */
class SketchAccuracyTest {
    private static final double[] PERCENTILES = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};
    private static final List<WindowSpec> WINDOWS = List.of(hopping(10_000, 1_000), lifetime());

    /** A seeded permutation of 0 .. n-1. */
    private static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** Event time of the i-th of n events spread evenly over [0, 10 s). */
    private static long time(int i, int n) {
        return i * 10_000L / n;
    }

    /**
     * 50,000 values over 11 decades of magnitude, both signs, and zeros: every percentile is within
     * the default relative accuracy (1%) of the exact lower quantile, rank floor(q·(n−1)).
     */
    @Test
    void approxPercentileWithDefaultAccuracyIsWithinOnePercentOfTheExactLowerQuantile() {
        int n = 50_000;
        SplittableRandom r = new SplittableRandom(20261126);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            double magnitude = Math.exp(r.nextDouble(-9, 16));
            values[i] = kind == 0 ? 0.0 : kind < 8 ? -magnitude : magnitude;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] percentiles = {0.0, 0.001, 0.01, 0.1, 0.25, 0.3, 0.35, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0};
        for (WindowSpec w : WINDOWS) {
            List<AggregationSpec> specs = new ArrayList<>();
            for (double p : percentiles) {
                specs.add(agg("p" + p, AggregationFunction.APPROX_PERCENTILE, "amount", w, null,
                        new AggregationParams(10, 0, p, 12, 0.01)));
            }
            ViewFixture f = ViewFixture.of(specs.toArray(new AggregationSpec[0]));
            for (int i = 0; i < n; i++) {
                f.apply(txn("c", time(i, n), values[i]));
            }
            FeatureVector v = f.read("c", 10_000);
            List<Executable> checks = new ArrayList<>();
            for (double p : percentiles) {
                double got = (Double) v.value(f.index("p" + p));
                double exact = Quantiles.lower(sorted, p);
                checks.add(() -> assertTrue(Quantiles.withinRelativeAccuracy(exact, got, 0.01),
                        "p" + p + " over " + w + ": " + got + " vs exact " + exact));
            }
            assertAll(checks);
        }
    }

    /** A coarser sketch (relative_accuracy 5%) is within 5%, and a finer one (0.1%) within 0.1%. */
    @Test
    void approxPercentileHonoursItsRelativeAccuracyParameter() {
        int n = 20_000;
        int[] values = permutation(n, 3);
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i + 1;
        }
        for (double alpha : new double[] {0.05, 0.001}) {
            List<AggregationSpec> specs = new ArrayList<>();
            for (double p : PERCENTILES) {
                specs.add(agg("p" + p, AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000), null,
                        new AggregationParams(10, 0, p, 12, alpha)));
            }
            ViewFixture f = ViewFixture.of(specs.toArray(new AggregationSpec[0]));
            for (int i = 0; i < n; i++) {
                f.apply(txn("c", time(i, n), values[i] + 1.0));
            }
            FeatureVector v = f.read("c", 10_000);
            for (double p : PERCENTILES) {
                double got = (Double) v.value(f.index("p" + p));
                double exact = Quantiles.lower(sorted, p);
                assertTrue(Quantiles.withinRelativeAccuracy(exact, got, alpha), "alpha " + alpha + " p" + p + ": " + got
                        + " vs exact " + exact);
                if (alpha == 0.05) {
                    assertNotEquals(exact, got, "a 5% bin does not return the exact value " + exact);
                }
            }
        }
    }

    @Test
    void approxPercentileOfFewValuesReadsTheBinOfTheLowerQuantile() {
        ViewFixture f = ViewFixture.of(
                agg("p50", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000)),
                agg("p90", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000), null,
                        new AggregationParams(10, 0, 0.9, 12, 0.01)),
                agg("p0", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000), null,
                        new AggregationParams(10, 0, 0.0, 12, 0.01)),
                agg("p100", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000), null,
                        new AggregationParams(10, 0, 1.0, 12, 0.01)));
        int[] values = permutation(150, 7);
        for (int i = 0; i < values.length; i++) {
            f.apply(txn("c", time(i, values.length), (double) values[i]));
        }
        FeatureVector v = f.read("c", 10_000);
        // 0 .. 149: p50 is rank floor(0.5 * 149) = 74, p90 rank floor(0.9 * 149) = 134; 0 reads exactly 0.
        assertAll(
                () -> assertWithinOnePercent(74.0, v.value(f.index("p50"))),
                () -> assertWithinOnePercent(134.0, v.value(f.index("p90"))),
                () -> assertEquals(0.0, v.value(f.index("p0"))),
                () -> assertWithinOnePercent(149.0, v.value(f.index("p100"))));
    }

    private static void assertWithinOnePercent(double exact, Object got) {
        assertTrue(Quantiles.withinRelativeAccuracy(exact, (Double) got, 0.01), got + " vs exact " + exact);
    }

    @Test
    void approxCountDistinctIsWithinThreePercentOnAHundredThousandValues() {
        int n = 100_000;
        int[] order = permutation(n, 99);
        for (WindowSpec w : WINDOWS) {
            ViewFixture f = ViewFixture.of(
                    agg("strings", AggregationFunction.APPROX_COUNT_DISTINCT, "merchant", w),
                    agg("longs", AggregationFunction.APPROX_COUNT_DISTINCT, "qty", w),
                    agg("doubles", AggregationFunction.APPROX_COUNT_DISTINCT, "amount", w));
            for (int i = 0; i < n; i++) {
                int x = order[i];
                // each value twice: duplicates must not count
                f.apply(txn("c", time(i, n), "merchant-" + x, x * 0.5, (long) x, true));
                f.apply(txn("c", time(i, n), "merchant-" + x, x * 0.5, (long) x, true));
            }
            FeatureVector v = f.read("c", 10_000);
            List<Executable> checks = new ArrayList<>();
            for (String name : List.of("strings", "longs", "doubles")) {
                long got = (Long) v.value(f.index(name));
                checks.add(() -> assertTrue(Math.abs(got - n) <= 0.03 * n, name + " over " + w + ": " + got + " vs " + n));
            }
            assertAll(checks);
        }
    }

    @Test
    void topKFindsTheHeavyHittersAmongManyLightItems() {
        int lightEvents = 80_000;
        List<String> stream = new ArrayList<>();
        String[] heavy = {"heavy-a", "heavy-b", "heavy-c"};
        int[] heavyCounts = {9_000, 7_000, 5_000};
        for (int h = 0; h < heavy.length; h++) {
            for (int i = 0; i < heavyCounts[h]; i++) {
                stream.add(heavy[h]);
            }
        }
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < lightEvents; i++) {
            stream.add("light-" + r.nextInt(20_000)); // ~4 occurrences each
        }
        int[] order = permutation(stream.size(), 11);
        for (WindowSpec w : WINDOWS) {
            ViewFixture f = ViewFixture.of(
                    agg("top3", AggregationFunction.TOP_K, "merchant", w, null, new AggregationParams(10, 3, 0.5, 12, 0.01)),
                    agg("top5", AggregationFunction.TOP_K, "merchant", w));
            for (int i = 0; i < order.length; i++) {
                f.apply(txn("c", time(i, order.length), stream.get(order[i]), 1.0, 1L, true));
            }
            FeatureVector v = f.read("c", 10_000);
            assertEquals(List.of(heavy), v.value(f.index("top3")), "top3 over " + w);
            @SuppressWarnings("unchecked")
            List<Object> top5 = (List<Object>) v.value(f.index("top5"));
            assertEquals(List.of(heavy), top5.subList(0, Math.min(3, top5.size())), "top5 over " + w);
            assertTrue(top5.size() <= 5);
        }
    }
}
