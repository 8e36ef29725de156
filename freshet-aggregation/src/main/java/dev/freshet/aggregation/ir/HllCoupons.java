package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.codec.CorruptStateException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.HllUnion;

/**
 * The small form of an HLL state: the distinct <i>coupons</i> of the items seen, in first-seen
 * order, in one {@code int[]} ({@code [0]} = count, then the coupons). A coupon is what a DataSketches
 * HLL sketch records for an item — a 26-bit hash address and the leading-zero count of a second hash
 * word — so a sketch that is fed these coupons in this order is the sketch the items themselves
 * would have built: duplicates never change an HLL sketch, in any of its modes.
 *
 * <p>Why: the library's state is a chain of four objects (union, gadget sketch, coupon list, array),
 * each a dependent cache miss on every update of a tile that is not in the CPU cache, and about
 * 130 bytes for a handful of items. This form is one array, a third of the size while small.
 *
 * <p>The library has no public way to add a coupon, so coupons reach a sketch through its public,
 * cross-language serialization format: compact LIST-mode images of at most {@value #LIST_MAX}
 * coupons, which a union merges coupon by coupon in image order. {@link #couponOf} mirrors the
 * library's {@code update} overloads (a string as its {@link #itemOf} bytes);
 * {@code HllDistinctAggregatorTest} checks both against the library.
 */
final class HllCoupons {
    /** The DataSketches default update seed every {@code BaseHllSketch.update} hashes with. */
    private static final long SEED = 9001L;
    private static final int KEY_MASK_26 = (1 << 26) - 1;
    /** Coupons a LIST-mode image holds (a sketch turns into a hash set at 2^3). */
    static final int LIST_MAX = 7;
    /** Marks the encoding of the small form; a library image starts with its preamble size (2, 3 or 10). */
    static final int TAG = 0;

    private HllCoupons() {
    }

    /** The coupon of a 128-bit item hash, as the library computes it. */
    private static int coupon(long[] hash) {
        int address = (int) (hash[0] & KEY_MASK_26);
        int value = Math.min(Long.numberOfLeadingZeros(hash[1]), 62) + 1;
        return value << 26 | address;
    }

    /**
     * The item that stands for the empty string: the library's {@code update("")} ignores it, but it
     * is a value like any other (only null is ignored). One 0xFF byte, which no UTF-8 encoding
     * contains, so it collides with no other string.
     */
    static final byte[] EMPTY_STRING_ITEM = {(byte) 0xFF};

    /**
     * The bytes a string is hashed as, in both forms: its UTF-8 encoding, as the library's
     * {@code update(String)} (lone surrogates encode as '?'), or {@link #EMPTY_STRING_ITEM}.
     */
    static byte[] itemOf(String s) {
        return s.isEmpty() ? EMPTY_STRING_ITEM : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The coupon of a string: of its {@link #itemOf} bytes, as the library's {@code update(byte[])}. */
    static int couponOf(String s) {
        return coupon(MurmurHash3.hash(itemOf(s), SEED));
    }

    static int couponOf(long v) {
        return coupon(MurmurHash3.hash(new long[] {v}, SEED));
    }

    /** -0.0 counts as 0.0 and every NaN as the canonical NaN, as in the library. */
    static int couponOf(double v) {
        return couponOf(Double.doubleToLongBits(v == 0.0 ? 0.0 : v));
    }

    /** A small form holding one coupon, with room for a few more. */
    static int[] of(int coupon) {
        int[] a = new int[5];
        a[0] = 1;
        a[1] = coupon;
        return a;
    }

    static boolean contains(int[] a, int coupon) {
        int n = a[0];
        for (int i = 1; i <= n; i++) {
            if (a[i] == coupon) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends a coupon known not to be in {@code a} (whose count is below the limit); returns the
     * array, grown if it was full.
     */
    static int[] append(int[] a, int coupon, int limit) {
        int n = a[0];
        if (n + 1 == a.length) {
            a = Arrays.copyOf(a, Math.min(limit, 2 * n) + 1);
        }
        a[n + 1] = coupon;
        a[0] = n + 1;
        return a;
    }

    /** Feeds coupons {@code from..n} of {@code a} into {@code union}, in order. */
    static void feed(int[] a, int from, int lgK, HllUnion union) {
        int n = a[0];
        for (int i = from; i <= n; i += LIST_MAX) {
            union.update(HllSketch.heapify(listImage(a, i, Math.min(LIST_MAX, n - i + 1), lgK)));
        }
    }

    /**
     * A compact LIST-mode HLL_8 image of {@code count} coupons: the 8-byte preamble (preamble ints 2,
     * serial version 1, family 7 = HLL, lgK, lgArr 3, flags = compact, list count, mode = HLL_8 | LIST)
     * and the coupons as little-endian ints.
     */
    private static byte[] listImage(int[] a, int from, int count, int lgK) {
        ByteWriter out = new ByteWriter(8 + 4 * count)
                .writeByte(2).writeByte(1).writeByte(7).writeByte(lgK).writeByte(3).writeByte(8).writeByte(count).writeByte(8);
        for (int i = from; i < from + count; i++) {
            out.writeInt(a[i]);
        }
        return out.toByteArray();
    }

    /**
     * The small form's encoding: {@link #TAG}, varint count n (1..limit), n little-endian int32
     * coupons in first-seen order, distinct and valid (value 1..63 in the top bits).
     */
    static byte[] encode(int[] a) {
        int n = a[0];
        ByteWriter out = new ByteWriter(6 + 4 * n).writeByte(TAG).writeVarLong(n);
        for (int i = 1; i <= n; i++) {
            out.writeInt(a[i]);
        }
        return out.toByteArray();
    }

    /** Decodes {@link #encode}'s bytes, rejecting anything updates could not have produced. */
    static int[] decode(byte[] bytes, int limit) {
        ByteReader in = new ByteReader(bytes);
        if (in.readByte() != TAG) {
            throw new CorruptStateException("approx_count_distinct: not a coupon list");
        }
        long n = in.readVarLong();
        if (n < 1 || n > limit || bytes.length != in.position() + 4 * n) {
            throw new CorruptStateException("approx_count_distinct: coupon list of " + Long.toUnsignedString(n)
                    + " coupons in " + bytes.length + " bytes (limit " + limit + ")");
        }
        int[] a = new int[(int) n + 1];
        for (int i = 1; i <= n; i++) {
            int c = in.readInt();
            int value = c >>> 26;
            if (value < 1 || value > 63 || contains(a, c)) {
                throw new CorruptStateException("approx_count_distinct: invalid or repeated coupon " + Integer.toHexString(c)
                        + " at " + i);
            }
            a[i] = c;
            a[0] = i;
        }
        return a;
    }
}
