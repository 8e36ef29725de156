package dev.freshet.aggregation.ir;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import java.util.Arrays;
import org.apache.datasketches.hll.HllUnion;

/**
 * approx_count_distinct with Apache DataSketches HyperLogLog; relative standard error at full size
 * is about {@code 1.04 / sqrt(2^lgK)} (1.6% at the default lgK 12). Empty window → 0.
 *
 * <p>The IR has two forms. Up to {@value #SMALL_MAX} distinct items it is an {@code int[]} of their
 * coupons in first-seen order ({@link HllCoupons}): one object, so an update of a tile that is not
 * in the CPU cache costs one miss instead of the library's chain of four. Past that it is an
 * {@link HllUnion} fed those coupons in that order, then the items themselves. A sketch fed the
 * same distinct coupons in the same order is the same sketch, so the forms answer alike; merges
 * replay the source's coupons in order into the destination (a union once it has more than
 * {@value #SMALL_MAX}).
 *
 * <p>Every non-null value counts, the empty string too: both forms hash it as
 * {@link HllCoupons#EMPTY_STRING_ITEM} (the library's {@code update(String)} would skip it).
 */
public final class HllDistinctAggregator implements ObjectAggregator {
    /** Distinct items the small form keeps before it becomes a union. */
    static final int SMALL_MAX = 32;

    private final int lgK;

    public HllDistinctAggregator(int lgK) {
        if (lgK < 4 || lgK > 21) {
            throw new IllegalArgumentException("lg_k must be in [4, 21], got " + lgK);
        }
        this.lgK = lgK;
    }

    @Override
    public Object update(Object ir, InputCell in, long eventTime, long seq) {
        if (ir instanceof HllUnion u) {
            updateUnion(u, in);
            return u;
        }
        int coupon = couponOf(in);
        if (ir == null) {
            return HllCoupons.of(coupon);
        }
        int[] small = (int[]) ir;
        if (HllCoupons.contains(small, coupon)) {
            return small;
        }
        if (small[0] < SMALL_MAX) {
            return HllCoupons.append(small, coupon, SMALL_MAX);
        }
        HllUnion u = toUnion(small);
        updateUnion(u, in);
        return u;
    }

    /** The coupon {@link #updateUnion} would record (numbers hash as in {@link #updateUnion}). */
    private static int couponOf(InputCell in) {
        if (in.o == null) {
            return in.integral ? HllCoupons.couponOf(in.l) : HllCoupons.couponOf(in.d);
        }
        return switch (in.o) {
            case String s -> HllCoupons.couponOf(s);
            case Long l -> HllCoupons.couponOf(l.longValue());
            case Double d -> HllCoupons.couponOf(d.doubleValue());
            case Boolean b -> HllCoupons.couponOf(b ? 1L : 0L);
            default -> HllCoupons.couponOf(in.o.toString());
        };
    }

    private static void updateUnion(HllUnion u, InputCell in) {
        if (in.o == null) {
            // numeric input: hash the exact long for int64 inputs, else the double
            if (in.integral) {
                u.update(in.l);
            } else {
                u.update(in.d);
            }
        } else {
            switch (in.o) {
                case String s -> u.update(HllCoupons.itemOf(s));
                case Long l -> u.update(l);
                case Double d -> u.update(d);
                case Boolean b -> u.update(b ? 1L : 0L);
                default -> u.update(HllCoupons.itemOf(in.o.toString()));
            }
        }
    }

    private HllUnion toUnion(int[] small) {
        HllUnion u = new HllUnion(lgK);
        HllCoupons.feed(small, 1, lgK, u);
        return u;
    }

    /** The coupon array, or the union, its gadget sketch and the sketch's current implementation. */
    @Override
    public long touch(Object ir) {
        if (ir instanceof int[] small) {
            return small[0];
        }
        return ((HllUnion) ir).isEmpty() ? 0 : 1;
    }

    @Override
    public Object merge(Object into, Object other) {
        if (other == null) {
            return into;
        }
        if (other instanceof HllUnion o) {
            HllUnion u = into == null ? new HllUnion(lgK) : into instanceof int[] small ? toUnion(small) : (HllUnion) into;
            u.update(o);
            return u;
        }
        int[] o = (int[]) other;
        if (into instanceof HllUnion u) {
            HllCoupons.feed(o, 1, lgK, u);
            return u;
        }
        if (into == null) {
            return Arrays.copyOf(o, Math.max(5, o[0] + 1)); // o's coupons are distinct already
        }
        int[] small = (int[]) into;
        int n = o[0];
        for (int i = 1; i <= n; i++) {
            int coupon = o[i];
            if (HllCoupons.contains(small, coupon)) {
                continue;
            }
            if (small[0] == SMALL_MAX) {
                HllUnion u = toUnion(small);
                HllCoupons.feed(o, i, lgK, u); // the rest of o, in order
                return u;
            }
            small = HllCoupons.append(small, coupon, SMALL_MAX);
        }
        return small;
    }

    @Override
    public Object recycle(Object ir) {
        if (ir instanceof int[] small) {
            small[0] = 0;
            return small;
        }
        HllUnion u = (HllUnion) ir;
        u.reset();
        return u;
    }

    @Override
    public void result(Object ir, boolean windowHasEvents, FeatureVector out, int index, long eventTime) {
        long estimate = 0;
        if (ir instanceof int[] small) {
            estimate = small[0] == 0 ? 0 : Math.round(toUnion(small).getEstimate());
        } else if (ir != null) {
            estimate = Math.round(((HllUnion) ir).getEstimate());
        }
        out.setLong(index, estimate, eventTime);
    }

    /**
     * The small form as {@link HllCoupons#encode}; a union as its updatable image: unlike the compact
     * one it keeps the coupon hash table's layout, so decode → encode reproduces the same bytes (and
     * the same estimate).
     */
    @Override
    public void write(Object ir, ByteWriter out) {
        out.writeBytes(ir instanceof int[] small ? HllCoupons.encode(small) : ((HllUnion) ir).toUpdatableByteArray());
    }

    @Override
    public Object read(ByteReader in) {
        byte[] bytes = in.readBytes();
        if (bytes.length > 0 && bytes[0] == HllCoupons.TAG) {
            return HllCoupons.decode(bytes, SMALL_MAX);
        }
        HllUnion u = new HllUnion(lgK);
        u.update(org.apache.datasketches.hll.HllSketch.heapify(bytes));
        return u;
    }

    @Override
    public long sizeBytes(Object ir) {
        if (ir instanceof int[] small) {
            return 16 + 4L * small.length;
        }
        return 64 + ((HllUnion) ir).getUpdatableSerializationBytes();
    }
}
