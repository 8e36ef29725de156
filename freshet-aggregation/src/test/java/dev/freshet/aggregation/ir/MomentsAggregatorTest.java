package dev.freshet.aggregation.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.testkit.Seeds;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stddev / variance (sample and population) against an exact oracle (BigDecimal) over values of
 * wildly different magnitudes, up to ±Double.MAX_VALUE: after updates and after merges of split
 * states in any order, a result that fits a double is accurate and one that does not is
 * +Infinity — never 0 or NaN because an intermediate deviation or M2 overflowed.
 */
class MomentsAggregatorTest {
    private static final MomentsAggregator[] VARIANTS = {
            MomentsAggregator.STDDEV, MomentsAggregator.VARIANCE, MomentsAggregator.STDDEV_POP, MomentsAggregator.VARIANCE_POP};
    private static final String[] NAMES = {"stddev", "variance", "stddev_pop", "variance_pop"};
    /** Welford and Chan on a few dozen well-spread values are within a few ulps; this leaves a wide margin. */
    private static final double RELATIVE_TOLERANCE = 1e-12;
    private static final MathContext MC = new MathContext(40);

    static LongStream seeds() {
        return Seeds.of(0x5D3F, 12);
    }

    private static long[] state(double... values) {
        long[] s = new long[3];
        MomentsAggregator.STDDEV.init(s, 0);
        for (double v : values) {
            MomentsAggregator.add(s, 0, v);
        }
        return s;
    }

    private static double read(MomentsAggregator a, long[] s) {
        FeatureVector out = new FeatureVector(1);
        a.result(s, 0, true, out, 0, 0);
        return out.getDouble(0);
    }

    /** The exact result, rounded once to a double: M2 = (n·Σv² − (Σv)²) / n with exact sums. */
    private static double exact(double[] values, boolean sqrt, boolean sample) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal squares = BigDecimal.ZERO;
        for (double v : values) {
            BigDecimal b = new BigDecimal(v);
            sum = sum.add(b);
            squares = squares.add(b.multiply(b));
        }
        long n = values.length;
        BigDecimal nM2 = squares.multiply(BigDecimal.valueOf(n)).subtract(sum.multiply(sum));
        BigDecimal variance = nM2.divide(BigDecimal.valueOf(n * (sample ? n - 1 : n)), MC);
        return (sqrt ? variance.sqrt(MC) : variance).doubleValue();
    }

    private static void assertAccurate(double[] values, long[] s, String where) {
        for (int i = 0; i < VARIANTS.length; i++) {
            boolean sample = NAMES[i].indexOf("_pop") < 0;
            if (sample && values.length < 2) {
                continue;
            }
            double want = exact(values, NAMES[i].startsWith("stddev"), sample);
            double got = read(VARIANTS[i], s);
            String what = NAMES[i] + " of " + Arrays.toString(values) + where;
            if (Double.isInfinite(got)) {
                // beyond the double range, or rounded up to it from within the tolerance
                assertTrue(want >= Double.MAX_VALUE * (1 - RELATIVE_TOLERANCE), what + ": +Infinity, exact " + want);
                assertEquals(Double.POSITIVE_INFINITY, got, what);
            } else {
                assertTrue(Math.abs(got - want) <= RELATIVE_TOLERANCE * want, what + ": " + got + ", exact " + want);
            }
        }
    }

    /**
     * Finite values, signed: the first of magnitude 2^top (top from -60 to 1023), the others spanning
     * up to 1100 binary orders below it, some at ±Double.MAX_VALUE and some repeated.
     */
    private static double[] values(SplittableRandom r) {
        int n = r.nextInt(1, 40);
        int top = r.nextInt(4) == 0 ? 1023 : r.nextInt(-60, 1024);
        int span = r.nextInt(4) == 0 ? 4 : r.nextInt(1, 1100);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double magnitude = switch (i == 0 ? 2 : r.nextInt(12)) {
                case 0 -> Double.MAX_VALUE;
                case 1 -> Math.abs(values[r.nextInt(i)]);
                default -> Math.scalb(r.nextDouble(1.0, 2.0), Math.max(-1022, top - (i == 0 ? 0 : r.nextInt(span))));
            };
            values[i] = r.nextBoolean() ? magnitude : -magnitude;
        }
        return values;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void updatesMatchTheExactResultForValuesOfAnyMagnitude(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            double[] values = values(r);
            assertAccurate(values, state(values), " (seed " + seed + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void mergesOfSplitStatesMatchTheExactResultForValuesOfAnyMagnitude(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            double[] values = values(r);
            // split into parts (some empty), build each by updates, merge in a random order
            List<long[]> parts = new ArrayList<>();
            int count = r.nextInt(1, 6);
            List<List<Double>> split = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                split.add(new ArrayList<>());
            }
            for (double v : values) {
                split.get(r.nextInt(count)).add(v);
            }
            for (List<Double> part : split) {
                parts.add(state(part.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            while (parts.size() > 1) {
                long[] into = parts.remove(r.nextInt(parts.size()));
                long[] from = parts.remove(r.nextInt(parts.size()));
                MomentsAggregator.VARIANCE.merge(into, 0, from, 0);
                parts.add(into);
            }
            assertAccurate(values, parts.getFirst(), " merged from " + count + " parts (seed " + seed + ")");
        }
    }

    @Test
    void valuesWhoseDifferenceOverflowsReadTheirFiniteStddevAndAnInfiniteVariance() {
        for (long[] s : List.of(state(1e308, -1e308), merged(state(1e308), state(-1e308)))) {
            assertEquals(Math.sqrt(2) * 1e308, read(MomentsAggregator.STDDEV, s), 1e293);
            assertEquals(1e308, read(MomentsAggregator.STDDEV_POP, s), 1e293);
            assertEquals(Double.POSITIVE_INFINITY, read(MomentsAggregator.VARIANCE, s));
            assertEquals(Double.POSITIVE_INFINITY, read(MomentsAggregator.VARIANCE_POP, s));
        }
        long[] extremes = state(Double.MAX_VALUE, -Double.MAX_VALUE);
        assertEquals(Double.MAX_VALUE, read(MomentsAggregator.STDDEV_POP, extremes));
        assertEquals(Double.POSITIVE_INFINITY, read(MomentsAggregator.STDDEV, extremes)); // √2 · MAX_VALUE
    }

    @Test
    void ordinaryValuesKeepTheUnscaledStateOfTheTextbookRecurrences() {
        SplittableRandom r = new SplittableRandom(3);
        long n = 0;
        double mean = 0;
        double m2 = 0;
        long[] s = state();
        for (int i = 0; i < 1_000; i++) {
            double v = r.nextDouble(-1e6, 1e6);
            MomentsAggregator.add(s, 0, v);
            n++;
            double delta = v - mean;
            mean += delta / n;
            m2 += delta * (v - mean);
        }
        assertEquals(n, s[0]);
        assertEquals(Double.doubleToRawLongBits(mean), s[1]);
        assertEquals(Double.doubleToRawLongBits(m2), s[2]);
    }

    @Test
    void anInfiniteInputReadsNaN() {
        long[] s = state(1.0, Double.POSITIVE_INFINITY, 2.0);
        for (MomentsAggregator a : VARIANTS) {
            assertTrue(Double.isNaN(read(a, s)));
        }
        assertTrue(Double.isNaN(read(MomentsAggregator.STDDEV, merged(state(1e308, -1e308), s))));
    }

    private static long[] merged(long[] a, long[] b) {
        MomentsAggregator.STDDEV.merge(a, 0, b, 0);
        return a;
    }
}
