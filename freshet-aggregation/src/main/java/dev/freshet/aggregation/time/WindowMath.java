package dev.freshet.aggregation.time;

/**
 * Window arithmetic of DESIGN §3, on epoch milliseconds. Pure, total over all {@code long} inputs:
 * negative timestamps round toward negative infinity and results saturate instead of overflowing.
 *
 * <pre>
 *   lo(t) = ceil(t / H) * H - W        window = [lo(t), t)
 * </pre>
 *
 * <p>Tiles are numbered {@code floor(ts / H)}; tile {@code k} covers {@code [k*H, (k+1)*H)}. For read
 * time {@code t} a window of {@code W/H} tiles covers tile ids {@code [ceil(t/H) - W/H, ceil(t/H) - 1]};
 * the newest of them may extend past {@code t}, which is exact as long as no applied event has
 * {@code event_time >= t} (the drivers' invariant: events are applied only once the clock has passed them).
 */
public final class WindowMath {
    private WindowMath() {
    }

    /** Tile id of a timestamp for hop {@code hop}: {@code floor(ts / hop)}. */
    public static long tileId(long ts, long hop) {
        return Math.floorDiv(ts, hop);
    }

    /** {@code ceil(t / hop)}, correct for negative {@code t}. */
    public static long ceilDiv(long t, long hop) {
        return Math.ceilDiv(t, hop);
    }

    /**
     * Start (inclusive) of the window at read time {@code t}: {@code ceil(t/H)*H - W}, computed as
     * {@code firstTile(t) * H - W mod H} so that it is exact whenever the result is representable
     * (even when {@code ceil(t/H)*H} alone exceeds {@code Long.MAX_VALUE}), and saturating at
     * {@code Long.MIN_VALUE} below.
     */
    public static long windowStart(long t, long size, long hop) {
        return subtractSaturated(multiplySaturated(firstTile(t, size, hop), hop), size % hop);
    }

    /** Oldest tile id inside the window at read time {@code t}; saturates at {@code Long.MIN_VALUE}. */
    public static long firstTile(long t, long size, long hop) {
        long c = ceilDiv(t, hop);
        long tiles = size / hop;
        return c < Long.MIN_VALUE + tiles ? Long.MIN_VALUE : c - tiles;
    }

    /** Newest tile id inside the window at read time {@code t}. */
    public static long lastTile(long t, long hop) {
        return ceilDiv(t, hop) - 1;
    }

    /**
     * True when tile {@code id} is {@code span} or more tiles older than {@code newest}, without
     * overflowing for ids at the ends of the {@code long} range.
     */
    public static boolean olderBy(long id, long newest, long span) {
        if (id >= newest) {
            return false;
        }
        long diff = newest - id;
        return diff < 0 || diff >= span;
    }

    /** True when {@code ts} lies in the window {@code [lo(t), t)}. */
    public static boolean inWindow(long ts, long t, long size, long hop) {
        return ts < t && ts >= windowStart(t, size, hop);
    }

    private static long subtractSaturated(long a, long b) {
        long r = a - b;
        // Overflow iff a and b have different signs and the result's sign differs from a's.
        if (((a ^ b) & (a ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    private static long multiplySaturated(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a ^ b) < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
}
