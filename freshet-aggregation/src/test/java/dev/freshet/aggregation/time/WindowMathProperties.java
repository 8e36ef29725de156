package dev.freshet.aggregation.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Seeded properties of the window arithmetic over the whole {@code long} range. */
class WindowMathProperties {
    private static final long[] HOPS = {1, 7, 1_000, 60_000, 3_600_000, 86_400_000};

    @Property(tries = 2_000, seed = "424242")
    void windowLengthLiesBetweenSizeMinusHopAndSize(
            @ForAll @LongRange(min = Long.MIN_VALUE / 2, max = Long.MAX_VALUE / 2) long t,
            @ForAll @IntRange(min = 0, max = 5) int hopChoice,
            @ForAll @IntRange(min = 1, max = 10_000) int hopsPerWindow) {
        long hop = HOPS[hopChoice];
        long size = hop * hopsPerWindow;
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
    @Property(tries = 3_000, seed = "8675309")
    void timestampAndTileMembershipAgreeOverTheWholeLongRange(
            @ForAll long t,
            @ForAll @IntRange(min = 0, max = 5) int hopChoice,
            @ForAll @IntRange(min = 1, max = 2_000) int hopsPerWindow,
            @ForAll @LongRange(min = 0, max = 3L * 86_400_000 * 2_000) long back) {
        assertMembershipAgrees(t, HOPS[hopChoice], hopsPerWindow, back);
    }

    /** The same agreement for read times within a few windows of {@code Long.MIN_VALUE} or {@code Long.MAX_VALUE}. */
    @Property(tries = 3_000, seed = "8675310")
    void timestampAndTileMembershipAgreeNearTheEndsOfTheLongRange(
            @ForAll boolean nearMax,
            @ForAll @LongRange(min = 0, max = 3L * 86_400_000 * 2_000) long fromEdge,
            @ForAll @IntRange(min = 0, max = 5) int hopChoice,
            @ForAll @IntRange(min = 1, max = 2_000) int hopsPerWindow,
            @ForAll @LongRange(min = 0, max = 3L * 86_400_000 * 2_000) long back) {
        long hop = HOPS[hopChoice];
        long edge = Math.floorMod(fromEdge, 3 * hop * hopsPerWindow);
        long t = nearMax ? Long.MAX_VALUE - edge : Long.MIN_VALUE + edge;
        assertMembershipAgrees(t, hop, hopsPerWindow, back);
    }

    private static void assertMembershipAgrees(long t, long hop, int hopsPerWindow, long back) {
        long size = hop * hopsPerWindow;
        long span = Math.max(1, 3 * size);
        long ts = t - 1 - Math.floorMod(back, span);
        Assume.that(ts < t); // no wrap-around below Long.MIN_VALUE
        long lo = WindowMath.windowStart(t, size, hop);
        assertTrue(lo <= t);
        long id = WindowMath.tileId(ts, hop);
        boolean byTiles = id >= WindowMath.firstTile(t, size, hop) && id <= WindowMath.lastTile(t, hop);
        assertEquals(byTiles, WindowMath.inWindow(ts, t, size, hop),
                "ts=" + ts + " t=" + t + " W=" + size + " H=" + hop + " lo=" + lo);
    }

    @Property(tries = 1_000, seed = "31337")
    void windowFunctionsAreTotalOverAllLongs(@ForAll long t, @ForAll long ts,
                                             @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long hop,
                                             @ForAll @IntRange(min = 1, max = 1_000) int hopsPerWindow) {
        long size = hop > Long.MAX_VALUE / hopsPerWindow ? hop : hop * hopsPerWindow;
        long lo = WindowMath.windowStart(t, size, hop);
        assertTrue(lo <= t, "lo " + lo + " > t " + t);
        WindowMath.inWindow(ts, t, size, hop);
        WindowMath.firstTile(t, size, hop);
        WindowMath.olderBy(ts, t, hop);
    }
}
