package dev.freshet.aggregation.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.testkit.Quantiles;
import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The approx_percentile IR on its own: the rank it answers (the lower quantile, rank floor(q·(n−1)))
 * within its relative accuracy for every sign, zeros and infinities; merge and update agreeing in
 * any order; and a canonical encoding that round-trips byte for byte and rejects damaged images.
 */
class DDSketchPercentileAggregatorTest {
    private static final double ALPHA = 0.01;
    private static final double[] GRID = grid();

    private static double[] grid() {
        double[] q = new double[101];
        for (int i = 0; i <= 100; i++) {
            q[i] = i / 100.0;
        }
        return q;
    }

    private static Object sketch(DDSketchPercentileAggregator a, double... values) {
        Object ir = null;
        InputCell cell = new InputCell();
        for (double v : values) {
            ir = a.update(ir, cell.setDouble(v), 0, 0);
        }
        return ir;
    }

    private static FeatureVector read(DDSketchPercentileAggregator a, Object ir, boolean windowHasEvents) {
        FeatureVector out = new FeatureVector(1);
        a.result(ir, windowHasEvents, out, 0, 42);
        return out;
    }

    private static double quantile(double q, double... values) {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(q, ALPHA);
        return read(a, sketch(a, values), true).getDouble(0);
    }

    private static byte[] encode(DDSketchPercentileAggregator a, Object ir) {
        ByteWriter w = new ByteWriter();
        a.write(ir, w);
        return w.toByteArray();
    }

    private static void assertQuantilesMatch(double[] values, double alpha, String what) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : GRID) {
            DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(q, alpha);
            double got = read(a, sketch(a, values), true).getDouble(0);
            double exact = Quantiles.lower(sorted, q);
            assertTrue(Quantiles.withinRelativeAccuracy(exact, got, alpha),
                    what + " q=" + q + ": " + got + " vs exact lower quantile " + exact);
        }
    }

    @Test
    void negativeValuesZerosAndSignedZerosReadWithinTheRelativeAccuracyAtEveryQuantile() {
        // within 12 decades per sign (see aStoreKeepsTwelveDecadesAndCollapsesSmallerMagnitudesUpwards)
        double[] values = {-1_000, -3.5, -0.0, 0.0, 0.0, 1e-3, 2, 7.25, 1e6, -2e-5, -3.5, 12, -1e-7, 1e8, 0.5};
        assertQuantilesMatch(values, ALPHA, "mixed signs");
        assertQuantilesMatch(values, 0.001, "mixed signs at 0.1%");
        assertQuantilesMatch(values, 0.1, "mixed signs at 10%");
        assertQuantilesMatch(new double[] {-5, -4, -3, -2, -1}, ALPHA, "negatives only");
        assertQuantilesMatch(new double[] {-0.0, 0.0}, ALPHA, "zeros only");
    }

    @Test
    void zeroReadsExactlyZeroAndNegativesReadNegative() {
        assertEquals(0.0, quantile(0.5, -0.0, -0.0, -0.0));
        assertEquals(0.0, quantile(0.5, -1, 0, 1));
        assertTrue(quantile(0.0, -1, 0, 1) < -0.99);
        assertTrue(quantile(1.0, -1, 0, 1) > 0.99);
    }

    @Test
    void theRankIsFloorOfQTimesNMinusOne() {
        // 1, 2, 4, 8: bins are far apart, so the rank chosen is visible.
        double[] v = {8, 1, 4, 2};
        assertTrue(Quantiles.withinRelativeAccuracy(1, quantile(0.33, v), ALPHA)); // floor(0.99) = 0
        assertTrue(Quantiles.withinRelativeAccuracy(2, quantile(0.34, v), ALPHA)); // floor(1.02) = 1
        assertTrue(Quantiles.withinRelativeAccuracy(2, quantile(0.5, v), ALPHA)); // lower median
        assertTrue(Quantiles.withinRelativeAccuracy(4, quantile(0.9, v), ALPHA)); // floor(2.7) = 2
        assertTrue(Quantiles.withinRelativeAccuracy(8, quantile(1.0, v), ALPHA));
    }

    @Test
    void infinitiesAreExactAndTakeTheirRanks() {
        double inf = Double.POSITIVE_INFINITY;
        assertEquals(-inf, quantile(0.0, inf, -inf, 1, 2));
        assertEquals(inf, quantile(1.0, inf, -inf, 1, 2));
        assertTrue(Quantiles.withinRelativeAccuracy(1, quantile(0.5, inf, -inf, 1, 2), ALPHA));
        assertEquals(inf, quantile(0.5, inf, inf, inf));
        assertQuantilesMatch(new double[] {inf, -inf, -inf, 0, -7, 3e5, inf, 1e-5}, ALPHA, "with infinities");
    }

    @Test
    void magnitudesBeyondTheIndexableRangeReadAsZeroOrWithinTwiceTheAccuracy() {
        assertEquals(0.0, quantile(0.5, Double.MIN_VALUE));
        assertEquals(0.0, quantile(0.5, -Double.MIN_NORMAL / 2));
        double max = quantile(0.5, Double.MAX_VALUE);
        assertTrue(Double.isFinite(max) && Math.abs(max - Double.MAX_VALUE) <= 2 * ALPHA * Double.MAX_VALUE, "" + max);
        double min = quantile(0.5, -Double.MAX_VALUE);
        assertTrue(Double.isFinite(min) && Math.abs(min + Double.MAX_VALUE) <= 2 * ALPHA * Double.MAX_VALUE, "" + min);
        assertQuantilesMatch(new double[] {Double.MIN_NORMAL * 2, Double.MIN_NORMAL * 3, -1e-307, 1e-300}, ALPHA, "smallest");
        assertQuantilesMatch(new double[] {-1e307, 1e308, -1.7e308, 1e300}, ALPHA, "largest");
    }

    @Test
    void nanIsIgnoredLikeNull() {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, ALPHA);
        InputCell nan = new InputCell();
        nan.d = Double.NaN;
        assertNull(a.update(null, nan, 0, 0));
        Object one = sketch(a, 3.0);
        byte[] before = encode(a, one);
        assertEquals(one, a.update(one, nan, 0, 0));
        assertArrayEquals(before, encode(a, one));
    }

    @Test
    void anEmptyWindowIsNotFoundAndAWindowWithoutValuesIsNullValue() {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, ALPHA);
        assertEquals(Status.NOT_FOUND, read(a, null, false).status(0));
        assertEquals(Status.NULL_VALUE, read(a, null, true).status(0));
        FeatureVector v = read(a, sketch(a, 5.0), true);
        assertEquals(Status.PRESENT, v.status(0));
        assertEquals(42, v.eventTime(0));
    }

    @Test
    void mergeLeavesItsSecondArgumentUntouchedAndMergingIntoNullCopies() {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, ALPHA);
        Object other = sketch(a, 1, 2, 3, -4, 0, Double.POSITIVE_INFINITY);
        byte[] before = encode(a, other);
        Object copy = a.merge(null, other);
        assertTrue(copy != other);
        a.merge(copy, other);
        a.merge(sketch(a, 1e9, -1e-9), other);
        assertArrayEquals(before, encode(a, other));
        assertArrayEquals(encode(a, sketch(a, 1, 2, 3, -4, 0, Double.POSITIVE_INFINITY, 1, 2, 3, -4, 0,
                Double.POSITIVE_INFINITY)), encode(a, copy));
        assertEquals(other, a.merge(other, null));
    }

    @Test
    void aStoreKeepsTwelveDecadesAndCollapsesSmallerMagnitudesUpwards() {
        assertEquals(1_382, DDSketchPercentileAggregator.maxNumBins(0.01));
        assertEquals(13_816, DDSketchPercentileAggregator.maxNumBins(0.001));
        assertEquals(138, DDSketchPercentileAggregator.maxNumBins(0.1));
        double[] values = new double[200];
        for (int i = 0; i < 100; i++) {
            values[i] = 1e-20; // 21 decades below the largest value: collapsed
            values[100 + i] = i + 1.0;
        }
        double p0 = quantile(0.0, values);
        assertTrue(p0 > 1e-12 && p0 < 1e-9, "collapsed into the lowest kept bin: " + p0);
        assertTrue(Quantiles.withinRelativeAccuracy(50, quantile(0.75, values), ALPHA)); // rank floor(149.25) = 149 → 50
        assertTrue(Quantiles.withinRelativeAccuracy(100, quantile(1.0, values), ALPHA));
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, ALPHA);
        Object ir = sketch(a, values);
        assertTrue(a.sizeBytes(ir) <= 160 + 16 + 8 * 1_382, "" + a.sizeBytes(ir));
        double[] many = new double[DDSketchPercentileAggregator.SMALL_MAX + 1];
        Arrays.fill(many, 1.0);
        many[0] = 1e6;
        assertTrue(a.sizeBytes(sketch(a, 1.0)) < a.sizeBytes(sketch(a, many)));
    }

    @Test
    void aFewValuesCostAFewDozenBytesUntilTheListIsFull() {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.95, ALPHA);
        double[] spread = new double[DDSketchPercentileAggregator.SMALL_MAX];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = 0.01 * Math.pow(1.4, i); // 0.01 .. ~340: a dense store spans ~500 bins
        }
        assertTrue(a.sizeBytes(sketch(a, 42.0)) <= 96, "one value: " + a.sizeBytes(sketch(a, 42.0)));
        assertTrue(a.sizeBytes(sketch(a, spread)) <= 40 + 16 + 8 * DDSketchPercentileAggregator.SMALL_MAX,
                "a full list: " + a.sizeBytes(sketch(a, spread)));
        double[] more = Arrays.copyOf(spread, spread.length + 1);
        more[spread.length] = 1.0;
        assertTrue(a.sizeBytes(sketch(a, more)) > 160 + 8 * 400, "a sketch: " + a.sizeBytes(sketch(a, more)));
    }

    /**
     * Oracle: whatever form the state takes (a short bin list, or the sketch), its encoding holds
     * exactly the bins a plain DDSketch of the library records for the same finite values, zeros and
     * the magnitudes too small to index included, and the infinities beside them.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void theStateHoldsTheBinsAPlainDDSketchRecords(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double alpha = r.nextBoolean() ? ALPHA : 0.05;
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, alpha);
        int n = r.nextInt(1, 3 * DDSketchPercentileAggregator.SMALL_MAX);
        double[] values = new double[n];
        var mapping = new LogarithmicMapping(alpha);
        for (int i = 0; i < n; i++) {
            values[i] = switch (r.nextInt(8)) {
                case 0 -> r.nextBoolean() ? 0.0 : -0.0;
                case 1 -> (r.nextBoolean() ? 1 : -1) * mapping.minIndexableValue() * r.nextDouble(0.5, 2.0);
                case 2 -> (r.nextBoolean() ? 1 : -1) * Double.MAX_VALUE * r.nextDouble();
                case 3 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                default -> (r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble(-6, 6));
            };
        }
        var plain = new DDSketch(mapping, () -> new CollapsingLowestDenseStore(DDSketchPercentileAggregator.maxNumBins(alpha)));
        long negInf = 0;
        long posInf = 0;
        for (double v : values) {
            if (v == Double.NEGATIVE_INFINITY) {
                negInf++;
            } else if (v == Double.POSITIVE_INFINITY) {
                posInf++;
            } else {
                plain.accept(Math.max(-mapping.maxIndexableValue(), Math.min(mapping.maxIndexableValue(), v)));
            }
        }
        long zeros = (long) (plain.getCount() - plain.getNegativeValueStore().getTotalCount()
                - plain.getPositiveValueStore().getTotalCount());
        List<long[]> expectedNegative = bins(plain.getNegativeValueStore());
        List<long[]> expectedPositive = bins(plain.getPositiveValueStore());

        // one by one, and as a merge of random pieces (lists into lists, lists into sketches, ...)
        List<Object> parts = new ArrayList<>();
        for (int from = 0; from < n; ) {
            int to = Math.min(n, from + r.nextInt(1, DDSketchPercentileAggregator.SMALL_MAX + 8));
            parts.add(sketch(a, Arrays.copyOfRange(values, from, to)));
            from = to;
        }
        Object merged = null;
        for (Object part : parts) {
            merged = a.merge(merged, part);
        }
        for (Object state : List.of(sketch(a, values), merged)) {
            ByteReader in = new ByteReader(encode(a, state));
            assertEquals(negInf, in.readVarLong());
            assertEquals(posInf, in.readVarLong());
            assertEquals(zeros, in.readVarLong());
            assertBins(expectedNegative, in);
            assertBins(expectedPositive, in);
        }
    }

    private static List<long[]> bins(Store store) {
        List<long[]> bins = new ArrayList<>();
        store.getAscendingIterator().forEachRemaining(b -> {
            if (b.getCount() > 0) {
                bins.add(new long[] {b.getIndex(), (long) b.getCount()});
            }
        });
        return bins;
    }

    private static void assertBins(List<long[]> expected, ByteReader in) {
        assertEquals(expected.size(), in.readVarLong(), "bins");
        long index = 0;
        for (long[] bin : expected) {
            long zigzag = in.readVarLong();
            index += (zigzag >>> 1) ^ -(zigzag & 1);
            assertEquals(bin[0], index, "bin index");
            assertEquals(bin[1], in.readVarLong(), "bin count");
        }
    }

    static LongStream seeds() {
        return Seeds.of(20261127, 60);
    }

    /** A random multiset: a few magnitudes, both signs, zeros, infinities, sometimes over more than 12 decades. */
    private static double[] values(SplittableRandom r) {
        int n = r.nextInt(1, 400);
        double decades = r.nextBoolean() ? r.nextDouble(0, 10) : r.nextDouble(10, 40);
        double center = r.nextDouble(-30, 30);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(40);
            v[i] = switch (kind) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                default -> (kind % 3 == 0 ? -1 : 1) * Math.pow(10, center + r.nextDouble(-decades / 2, decades / 2));
            };
        }
        return v;
    }

    /** Events in any order and split into any merge tree give the same bytes: bins are plain sums. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void anyOrderAndAnyMergeTreeGiveTheSameState(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] values = values(r);
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(r.nextDouble(), r.nextBoolean() ? ALPHA : 0.05);
        byte[] sequential = encode(a, sketch(a, values));
        double[] shuffled = values.clone();
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        assertArrayEquals(sequential, encode(a, sketch(a, shuffled)), "shuffled");
        List<Object> parts = new ArrayList<>();
        int from = 0;
        while (from < shuffled.length) {
            int to = Math.min(shuffled.length, from + r.nextInt(1, 60));
            parts.add(sketch(a, Arrays.copyOfRange(shuffled, from, to)));
            from = to;
        }
        while (parts.size() > 1) {
            Object x = parts.remove(r.nextInt(parts.size()));
            Object y = parts.remove(r.nextInt(parts.size()));
            parts.add(r.nextBoolean() ? a.merge(x, y) : a.merge(a.merge(null, y), x));
        }
        assertArrayEquals(sequential, encode(a, parts.getFirst()), "merged");
    }

    /** decode → encode gives the same bytes, and a decoded sketch keeps behaving like the original. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void encodingRoundTripsAndDecodedSketchesKeepWorking(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(r.nextDouble(), ALPHA);
        Object original = sketch(a, values(r));
        byte[] bytes = encode(a, original);
        Object decoded = a.read(new ByteReader(bytes));
        assertArrayEquals(bytes, encode(a, decoded));
        assertEquals(read(a, original, true).getDouble(0), read(a, decoded, true).getDouble(0));
        double[] more = values(r);
        InputCell cell = new InputCell();
        for (double v : more) {
            original = a.update(original, cell.setDouble(v), 0, 0);
            decoded = a.update(decoded, cell.setDouble(v), 0, 0);
        }
        Object other = sketch(a, values(r));
        original = a.merge(original, other);
        decoded = a.merge(decoded, other);
        assertArrayEquals(encode(a, original), encode(a, decoded));
        assertEquals(Double.doubleToRawLongBits(read(a, original, true).getDouble(0)),
                Double.doubleToRawLongBits(read(a, decoded, true).getDouble(0)));
    }

    private static byte[] image(Consumer<ByteWriter> body) {
        ByteWriter w = new ByteWriter();
        body.accept(w);
        return w.toByteArray();
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    @Test
    void damagedImagesAreRejectedAsCorruptState() {
        DDSketchPercentileAggregator a = new DDSketchPercentileAggregator(0.5, ALPHA);
        List<byte[]> bad = List.of(
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)), // empty
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(1_383)), // bins
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)
                        .writeVarLong(1).writeVarLong(zigzag(5)).writeVarLong(0)), // zero count
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)
                        .writeVarLong(2).writeVarLong(zigzag(5)).writeVarLong(1).writeVarLong(zigzag(0)).writeVarLong(1)), // repeat
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)
                        .writeVarLong(2).writeVarLong(zigzag(5)).writeVarLong(1).writeVarLong(zigzag(1_382)).writeVarLong(1)), // span
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)
                        .writeVarLong(1).writeVarLong(zigzag(1_000_000)).writeVarLong(1)), // index beyond the mapping
                image(w -> w.writeVarLong(1L << 54).writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)), // count
                image(w -> w.writeVarLong(1L << 53).writeVarLong(1).writeVarLong(0).writeVarLong(0).writeVarLong(0)), // total
                image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(3).writeVarLong(0))); // truncated
        for (int i = 0; i < bad.size(); i++) {
            byte[] b = bad.get(i);
            assertThrows(CorruptStateException.class, () -> a.read(new ByteReader(b)), "image " + i);
        }
        byte[] good = image(w -> w.writeVarLong(0).writeVarLong(0).writeVarLong(0).writeVarLong(0)
                .writeVarLong(2).writeVarLong(zigzag(5)).writeVarLong(1).writeVarLong(zigzag(1_381)).writeVarLong(1));
        assertArrayEquals(good, encode(a, a.read(new ByteReader(good))));
    }
}
