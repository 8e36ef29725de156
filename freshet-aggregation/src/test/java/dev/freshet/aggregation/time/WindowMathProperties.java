package dev.freshet.aggregation.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.testkit.Seeds;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded properties of the window arithmetic over the whole {@code long} range. Each seed draws one
 * case; one draw in eight of every number is an edge of its range (its ends, 0, ±1).
 */
class WindowMathProperties {
    private static final long[] HOPS = {1, 7, 1_000, 60_000, 3_600_000, 86_400_000};
    private static final long MAX_BACK = 3L * 86_400_000 * 2_000;

    static LongStream lengthSeeds() {
        return Seeds.of(424242, 2_000);
    }

    static LongStream membershipSeeds() {
        return Seeds.of(8675309, 3_000);
    }

    static LongStream edgeSeeds() {
        return Seeds.of(8675310, 3_000);
    }

    static LongStream totalitySeeds() {
        return Seeds.of(31337, 1_000);
    }

    /** A long in [min, max]; one time in eight an edge: min, max, min + 1, max - 1, 0, 1 or -1 (when in range). */
    private static long between(SplittableRandom r, long min, long max) {
        if (r.nextInt(8) == 0) {
            long[] edges = {min, max, min + 1, max - 1, 0, 1, -1};
            long e = edges[r.nextInt(edges.length)];
            if (e >= min && e <= max) {
                return e;
            }
        }
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return r.nextLong();
        }
        return max == Long.MAX_VALUE ? r.nextLong(min, max) : r.nextLong(min, max + 1);
    }

    private static long anyLong(SplittableRandom r) {
        return between(r, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static int intBetween(SplittableRandom r, int min, int max) {
        return (int) between(r, (long) min, (long) max);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("lengthSeeds")
    void windowLengthLiesBetweenSizeMinusHopAndSize(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long t = between(r, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
        long hop = HOPS[intBetween(r, 0, 5)];
        long size = hop * intBetween(r, 1, 10_000);
        long lo = WindowMath.windowStart(t, size, hop);
        assertTrue(lo <= t, "lo " + lo + " > t " + t);
        long length = t - lo;
        assertTrue(length > size - hop && length <= size, "window length " + length + " outside (W-H, W] for W=" + size + " H=" + hop);
        assertEquals(0, Math.floorMod(lo, hop), "window start is hop-aligned");
    }

    /**
     * Membership by timestamp ({@link WindowMath#inWindow}) and by tile id ({@link WindowMath#firstTile}
     * .. {@link WindowMath#lastTile}, what the tile groups read) agree everywhere, including where the
     * arithmetic saturates at the ends of the {@code long} range.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("membershipSeeds")
    void timestampAndTileMembershipAgreeOverTheWholeLongRange(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        while (true) {
            long t = anyLong(r);
            long hop = HOPS[intBetween(r, 0, 5)];
            int hopsPerWindow = intBetween(r, 1, 2_000);
            long back = between(r, 0, MAX_BACK);
            if (assertMembershipAgrees(t, hop, hopsPerWindow, back)) {
                return;
            }
        }
    }

    /** The same agreement for read times within a few windows of {@code Long.MIN_VALUE} or {@code Long.MAX_VALUE}. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("edgeSeeds")
    void timestampAndTileMembershipAgreeNearTheEndsOfTheLongRange(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        while (true) {
            boolean nearMax = r.nextBoolean();
            long fromEdge = between(r, 0, MAX_BACK);
            long hop = HOPS[intBetween(r, 0, 5)];
            int hopsPerWindow = intBetween(r, 1, 2_000);
            long back = between(r, 0, MAX_BACK);
            long edge = Math.floorMod(fromEdge, 3 * hop * hopsPerWindow);
            long t = nearMax ? Long.MAX_VALUE - edge : Long.MIN_VALUE + edge;
            if (assertMembershipAgrees(t, hop, hopsPerWindow, back)) {
                return;
            }
        }
    }

    /** Checks one case; false (nothing checked) when the event time would wrap below {@code Long.MIN_VALUE}. */
    private static boolean assertMembershipAgrees(long t, long hop, int hopsPerWindow, long back) {
        long size = hop * hopsPerWindow;
        long span = Math.max(1, 3 * size);
        long ts = t - 1 - Math.floorMod(back, span);
        if (ts >= t) {
            return false; // wrapped around: draw another case
        }
        long lo = WindowMath.windowStart(t, size, hop);
        assertTrue(lo <= t);
        long id = WindowMath.tileId(ts, hop);
        boolean byTiles = id >= WindowMath.firstTile(t, size, hop) && id <= WindowMath.lastTile(t, hop);
        assertEquals(byTiles, WindowMath.inWindow(ts, t, size, hop),
                "ts=" + ts + " t=" + t + " W=" + size + " H=" + hop + " lo=" + lo);
        return true;
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("totalitySeeds")
    void windowFunctionsAreTotalOverAllLongs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long t = anyLong(r);
        long ts = anyLong(r);
        long hop = between(r, 1, Long.MAX_VALUE);
        int hopsPerWindow = intBetween(r, 1, 1_000);
        long size = hop > Long.MAX_VALUE / hopsPerWindow ? hop : hop * hopsPerWindow;
        long lo = WindowMath.windowStart(t, size, hop);
        assertTrue(lo <= t, "lo " + lo + " > t " + t);
        WindowMath.inWindow(ts, t, size, hop);
        WindowMath.firstTile(t, size, hop);
        WindowMath.olderBy(ts, t, hop);
    }
}
