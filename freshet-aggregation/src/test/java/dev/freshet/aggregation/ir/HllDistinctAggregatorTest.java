package dev.freshet.aggregation.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import dev.freshet.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The approx_count_distinct IR against the library it stands in for: its coupons are the ones the
 * library records for every input type (the empty string, which the library skips, is the one byte
 * 0xFF), and whatever form it is in (coupon list or union, after updates, merges or a codec round
 * trip) it answers exactly as a library union fed the same items in the same order — the same
 * serialized sketch, byte for byte.
 */
class HllDistinctAggregatorTest {
    private static final int[] LG_KS = {4, 7, 8, 10, 12, 16};

    /** The coupon a one-item library sketch records (its compact LIST image holds it at byte 8); 0 if none. */
    private static int libraryCoupon(java.util.function.Consumer<HllSketch> update) {
        HllSketch s = new HllSketch(12, TgtHllType.HLL_8);
        update.accept(s);
        byte[] image = s.toCompactByteArray();
        return image.length < 12 ? 0 : new ByteReader(image, 8, 4).readInt();
    }

    private static String randomString(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(0, 12);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(5)) {
                case 0 -> sb.append((char) r.nextInt('a', 'z' + 1));
                case 1 -> sb.append((char) r.nextInt(0x80, 0x800)); // two UTF-8 bytes
                case 2 -> sb.append((char) r.nextInt(0x800, 0xD800)); // three
                case 3 -> sb.appendCodePoint(r.nextInt(0x10000, 0x10FFFF)); // a surrogate pair, four
                default -> sb.append((char) r.nextInt(0xD800, 0xE000)); // a lone surrogate (unless paired by chance)
            }
        }
        return sb.toString();
    }

    static LongStream seeds() {
        return Seeds.of(0x4C1C0, 8);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void couponsAreTheOnesTheLibraryRecordsForEveryInputType(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            String s = randomString(r);
            if (!s.isEmpty()) {
                assertEquals(libraryCoupon(k -> k.update(s)), HllCoupons.couponOf(s), "string " + s);
            }
            long l = r.nextInt(3) == 0 ? r.nextLong(-1000, 1000) : r.nextLong();
            assertEquals(libraryCoupon(k -> k.update(l)), HllCoupons.couponOf(l), "long " + l);
            double d = r.nextInt(3) == 0 ? r.nextInt(-50, 50) / 4.0 : Double.longBitsToDouble(r.nextLong());
            assertEquals(libraryCoupon(k -> k.update(d)), HllCoupons.couponOf(d), "double " + d);
        }
        for (long l : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertEquals(libraryCoupon(k -> k.update(l)), HllCoupons.couponOf(l), "long " + l);
        }
        for (double d : new double[] {0.0, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.NaN, Double.longBitsToDouble(0x7ff8000000000001L)}) {
            assertEquals(libraryCoupon(k -> k.update(d)), HllCoupons.couponOf(d), "double " + d);
        }
        // the library skips "" (no coupon); it is a value, hashed as a byte sequence no UTF-8 string encodes to
        assertEquals(0, libraryCoupon(k -> k.update("")));
        assertEquals(libraryCoupon(k -> k.update(new byte[] {(byte) 0xFF})), HllCoupons.couponOf(""));
        assertTrue(HllCoupons.couponOf("") != 0);
        assertEquals(HllCoupons.couponOf(0.0), HllCoupons.couponOf(-0.0));
    }

    /** Items with repeats: mostly strings, some longs and doubles, a few empty strings and lone surrogates. */
    private static List<Object> items(SplittableRandom r, int distinct, int n) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = r.nextInt(Math.max(1, distinct));
            items.add(switch (x % 7) {
                case 5 -> (long) x;
                case 6 -> x / 3.0;
                case 4 -> x % 3 == 0 ? "s-\uD800" + x : "m-" + x;
                default -> x == 0 ? "" : "m-" + x;
            });
        }
        return items;
    }

    private static InputCell cell(Object item) {
        InputCell c = new InputCell();
        return switch (item) {
            case Long l -> c.setLong(l);
            case Double d -> c.setDouble(d);
            default -> c.setObject(item);
        };
    }

    private static Object fold(HllDistinctAggregator a, Object ir, List<Object> items) {
        for (Object item : items) {
            ir = a.update(ir, cell(item), 0, 0);
        }
        return ir;
    }

    private static void feed(HllUnion u, List<Object> items) {
        for (Object item : items) {
            switch (item) {
                case Long l -> u.update(l.longValue());
                case Double d -> u.update(d.doubleValue());
                case String str when str.isEmpty() -> u.update(new byte[] {(byte) 0xFF}); // the library would skip ""
                default -> u.update((String) item);
            }
        }
    }

    /** The IR as a library union (a coupon list replayed into a fresh one), compact image. */
    private static byte[] image(HllDistinctAggregator a, int lgK, Object ir) {
        if (ir instanceof HllUnion u) {
            return u.toCompactByteArray();
        }
        return ((HllUnion) a.merge(new HllUnion(lgK), ir)).toCompactByteArray();
    }

    private static byte[] encoded(HllDistinctAggregator a, Object ir) {
        ByteWriter w = new ByteWriter();
        a.write(ir, w);
        return w.toByteArray();
    }

    private static long estimate(HllDistinctAggregator a, Object ir) {
        FeatureVector out = new FeatureVector(1);
        a.result(ir, true, out, 0, 0);
        return out.getLong(0);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void updatesBuildTheSketchTheLibraryBuildsFromTheSameItems(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int lgK : LG_KS) {
            HllDistinctAggregator a = new HllDistinctAggregator(lgK);
            for (int distinct : new int[] {1, 5, 7, 8, 20, 32, 33, 40, 300, 3_000}) {
                List<Object> items = items(r, distinct, distinct * 3);
                Object ir = fold(a, null, items);
                HllUnion expected = new HllUnion(lgK);
                feed(expected, items);
                String what = "lgK " + lgK + ", " + distinct + " distinct";
                assertArrayEquals(expected.toCompactByteArray(), image(a, lgK, ir), what);
                assertEquals(Math.round(expected.getEstimate()), estimate(a, ir), what);
                if (distinct <= HllDistinctAggregator.SMALL_MAX && ir != null) {
                    assertInstanceOf(int[].class, ir, what + ": stays a coupon list");
                } else if (distinct >= 300) {
                    assertInstanceOf(HllUnion.class, ir, what);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void mergingACouponListIsFeedingItsItemsInOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int lgK : LG_KS) {
            HllDistinctAggregator a = new HllDistinctAggregator(lgK);
            for (int i = 0; i < 40; i++) {
                List<Object> first = items(r, r.nextInt(1, 400), r.nextInt(0, 120));
                List<Object> second = items(r, r.nextInt(1, 40), r.nextInt(1, 12));
                Object irSecond = fold(a, null, second);
                Object merged = a.merge(fold(a, null, first), irSecond);
                HllUnion expected = new HllUnion(lgK);
                feed(expected, first);
                if (irSecond instanceof int[]) {
                    feed(expected, second);
                } else {
                    HllUnion u = new HllUnion(lgK);
                    feed(u, second);
                    expected.update(u);
                }
                assertArrayEquals(expected.toCompactByteArray(), image(a, lgK, merged), "lgK " + lgK + " merge " + i);
                // the source of a merge is never changed
                Object again = fold(a, null, second);
                assertArrayEquals(image(a, lgK, again), image(a, lgK, irSecond));
            }
        }
    }

    @Test
    void aCouponListOverflowingInAMergeKeepsTheMergeOrder() {
        HllDistinctAggregator a = new HllDistinctAggregator(12);
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add("a-" + i);
            second.add("b-" + i);
        }
        Object merged = a.merge(fold(a, null, first), fold(a, null, second));
        assertInstanceOf(HllUnion.class, merged);
        HllUnion expected = new HllUnion(12);
        feed(expected, first);
        feed(expected, second);
        assertArrayEquals(expected.toCompactByteArray(), ((HllUnion) merged).toCompactByteArray());
        assertEquals(60, estimate(a, merged));
    }

    @Test
    void aRecycledResultMergesLikeAFreshOne() {
        HllDistinctAggregator a = new HllDistinctAggregator(12);
        SplittableRandom r = new SplittableRandom(7);
        Object reused = null;
        for (int i = 0; i < 50; i++) {
            Object tile = fold(a, null, items(r, r.nextInt(1, 60), r.nextInt(1, 80)));
            Object fresh = a.merge(null, tile);
            reused = a.merge(reused == null ? null : a.recycle(reused), tile);
            assertEquals(estimate(a, fresh), estimate(a, reused), "read " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void bothFormsRoundTripThroughTheCodecByteForByte(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        HllDistinctAggregator a = new HllDistinctAggregator(10);
        for (int distinct : new int[] {1, 2, 7, 8, 31, 32, 33, 500}) {
            Object ir = fold(a, null, items(r, distinct, distinct * 2 + 1));
            byte[] bytes = encoded(a, ir);
            Object back = a.read(new ByteReader(bytes));
            assertEquals(ir.getClass(), back.getClass());
            assertArrayEquals(bytes, encoded(a, back));
            assertArrayEquals(image(a, 10, ir), image(a, 10, back));
        }
    }

    @Test
    void aLibraryImageWrittenBeforeCouponListsStillReadsAsAUnion() {
        HllDistinctAggregator a = new HllDistinctAggregator(12);
        HllUnion old = new HllUnion(12);
        old.update("m-1");
        old.update("m-2");
        byte[] bytes = new ByteWriter().writeBytes(old.toUpdatableByteArray()).toByteArray();
        Object back = a.read(new ByteReader(bytes));
        assertInstanceOf(HllUnion.class, back);
        assertArrayEquals(bytes, encoded(a, back));
        assertEquals(2, estimate(a, back));
    }

    @Test
    void damagedCouponListsAreRejected() {
        int valid = HllCoupons.couponOf("x");
        List<byte[]> bad = List.of(
                new ByteWriter().writeByte(0).writeVarLong(0).toByteArray(), // no coupons
                new ByteWriter().writeByte(0).writeVarLong(33).toByteArray(), // over the limit
                new ByteWriter().writeByte(0).writeVarLong(2).writeInt(valid).toByteArray(), // truncated
                new ByteWriter().writeByte(0).writeVarLong(1).writeInt(valid).writeByte(1).toByteArray(), // trailing
                new ByteWriter().writeByte(0).writeVarLong(2).writeInt(valid).writeInt(valid).toByteArray(), // repeated
                new ByteWriter().writeByte(0).writeVarLong(1).writeInt(123).toByteArray()); // value 0
        HllDistinctAggregator a = new HllDistinctAggregator(12);
        for (byte[] b : bad) {
            byte[] framed = new ByteWriter().writeBytes(b).toByteArray();
            assertThrows(CorruptStateException.class, () -> a.read(new ByteReader(framed)));
        }
    }

    @Test
    void theEmptyStringCountsAndSmallStateStaysSmall() {
        HllDistinctAggregator a = new HllDistinctAggregator(12);
        assertEquals(1, estimate(a, a.update(null, new InputCell().setObject(""), 0, 0)));
        Object ir = fold(a, null, List.of("a", "b", "a", "", "c", ""));
        assertEquals(4, estimate(a, ir));
        assertTrue(a.sizeBytes(ir) <= 40, "four coupons in " + a.sizeBytes(ir) + " bytes");
        assertEquals(0, estimate(a, null));
    }
}
