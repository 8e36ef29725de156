package dev.freshet.aggregation.time;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Window arithmetic of DESIGN §3 at ordinary, negative and extreme timestamps. */
class WindowMathTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    @Test
    void tileIdRoundsTowardNegativeInfinityForNegativeTimestamps() {
        assertAll(
                () -> assertEquals(0, WindowMath.tileId(0, 1_000)),
                () -> assertEquals(0, WindowMath.tileId(999, 1_000)),
                () -> assertEquals(1, WindowMath.tileId(1_000, 1_000)),
                () -> assertEquals(-1, WindowMath.tileId(-1, 1_000)),
                () -> assertEquals(-1, WindowMath.tileId(-1_000, 1_000)),
                () -> assertEquals(-2, WindowMath.tileId(-1_001, 1_000)),
                () -> assertEquals(-7, WindowMath.tileId(-7, 1)));
    }

    @Test
    void ceilDivRoundsTowardPositiveInfinityForNegativeTimestamps() {
        assertAll(
                () -> assertEquals(0, WindowMath.ceilDiv(0, 1_000)),
                () -> assertEquals(1, WindowMath.ceilDiv(1, 1_000)),
                () -> assertEquals(1, WindowMath.ceilDiv(1_000, 1_000)),
                () -> assertEquals(0, WindowMath.ceilDiv(-1, 1_000)),
                () -> assertEquals(-1, WindowMath.ceilDiv(-1_000, 1_000)),
                () -> assertEquals(-1, WindowMath.ceilDiv(-1_999, 1_000)));
    }

    @Test
    void tileIdAndCeilDivAreTotalAtTheEndsOfTheLongRange() {
        assertAll(
                () -> assertEquals(MIN, WindowMath.tileId(MIN, 1)),
                () -> assertEquals(MAX, WindowMath.tileId(MAX, 1)),
                () -> assertEquals(-9_223_372_036_854_776L, WindowMath.tileId(MIN, 1_000)),
                () -> assertEquals(9_223_372_036_854_775L, WindowMath.tileId(MAX, 1_000)),
                () -> assertEquals(MIN, WindowMath.ceilDiv(MIN, 1)),
                () -> assertEquals(MAX, WindowMath.ceilDiv(MAX, 1)),
                () -> assertEquals(-9_223_372_036_854_775L, WindowMath.ceilDiv(MIN, 1_000)),
                () -> assertEquals(9_223_372_036_854_776L, WindowMath.ceilDiv(MAX, 1_000)),
                () -> assertEquals(1, WindowMath.ceilDiv(MAX, MAX)),
                () -> assertEquals(-2, WindowMath.tileId(MIN, MAX)));
    }

    @Test
    void windowStartIsTheHopAlignedBoundOfDesignSection3() {
        // lo(t) = ceil(t / H) * H - W
        assertAll(
                () -> assertEquals(1_000, WindowMath.windowStart(10_500, 10_000, 1_000)),
                () -> assertEquals(0, WindowMath.windowStart(10_000, 10_000, 1_000)),
                () -> assertEquals(1_000, WindowMath.windowStart(10_001, 10_000, 1_000)),
                () -> assertEquals(491, WindowMath.windowStart(10_491, 10_000, 1)),
                () -> assertEquals(7_000, WindowMath.windowStart(7_001, 7_000, 7_000)),
                () -> assertEquals(0, WindowMath.windowStart(7_000, 7_000, 7_000)));
    }

    @Test
    void windowStartHandlesNegativeReadTimes() {
        assertAll(
                () -> assertEquals(-10_000, WindowMath.windowStart(-1, 10_000, 1_000)),
                () -> assertEquals(-11_000, WindowMath.windowStart(-1_000, 10_000, 1_000)),
                () -> assertEquals(-11_000, WindowMath.windowStart(-1_999, 10_000, 1_000)),
                () -> assertEquals(-12_000, WindowMath.windowStart(-2_000, 10_000, 1_000)),
                () -> assertEquals(-10_001, WindowMath.windowStart(-1, 10_000, 1)));
    }

    @Test
    void windowStartSaturatesAtLongMinValueInsteadOfWrapping() {
        assertAll(
                () -> assertEquals(MIN, WindowMath.windowStart(MIN, 10_000, 1_000)),
                () -> assertEquals(MIN, WindowMath.windowStart(MIN, 10_000, 1)),
                () -> assertEquals(MIN, WindowMath.windowStart(MIN + 9_999, 10_000, 1)),
                () -> assertEquals(MIN, WindowMath.windowStart(MIN + 10_000, 10_000, 1)),
                () -> assertEquals(MIN + 1, WindowMath.windowStart(MIN + 10_001, 10_000, 1)),
                () -> assertEquals(MIN + 1, WindowMath.windowStart(0, MAX, 1)),
                () -> assertEquals(MIN, WindowMath.windowStart(-2, MAX, 1)));
    }

    @Test
    void windowStartNearLongMaxValueIsTheExactStartOfTheTilesTheWindowCovers() {
        // ceil(t/H)*H exceeds Long.MAX_VALUE here, but the window start itself is representable:
        // the newest tile 9_223_372_036_854_775 starts at ...775_000, so 10 tiles start at ...766_000.
        long t = MAX - 5;
        assertEquals(9_223_372_036_854_766_000L, WindowMath.windowStart(t, 10_000, 1_000));
        assertEquals(WindowMath.firstTile(t, 10_000, 1_000) * 1_000, WindowMath.windowStart(t, 10_000, 1_000));
        assertEquals(MAX - 10_000, WindowMath.windowStart(MAX, 10_000, 1));
        assertEquals(9_223_372_036_854_775_000L, WindowMath.windowStart(MAX, 1_000, 1_000));
    }

    @Test
    void firstAndLastTileBracketTheWindow() {
        assertAll(
                () -> assertEquals(1, WindowMath.firstTile(10_500, 10_000, 1_000)),
                () -> assertEquals(10, WindowMath.lastTile(10_500, 1_000)),
                () -> assertEquals(0, WindowMath.firstTile(10_000, 10_000, 1_000)),
                () -> assertEquals(9, WindowMath.lastTile(10_000, 1_000)),
                () -> assertEquals(-10, WindowMath.firstTile(-1, 10_000, 1_000)),
                () -> assertEquals(-1, WindowMath.lastTile(-1, 1_000)));
    }

    @Test
    void firstTileSaturatesAtLongMinValueInsteadOfWrapping() {
        assertAll(
                () -> assertEquals(MIN, WindowMath.firstTile(MIN, 10, 1)),
                () -> assertEquals(MIN, WindowMath.firstTile(MIN + 3, 10, 1)),
                () -> assertEquals(MIN + 1, WindowMath.firstTile(MIN + 11, 10, 1)),
                () -> assertEquals(9_223_372_036_854_776L - 10, WindowMath.firstTile(MAX, 10_000, 1_000)));
    }

    @Test
    void olderByComparesTileDistancesWithoutOverflow() {
        assertAll(
                () -> assertFalse(WindowMath.olderBy(9, 9, 1)),
                () -> assertFalse(WindowMath.olderBy(5, 9, 5)),
                () -> assertTrue(WindowMath.olderBy(4, 9, 5)),
                () -> assertFalse(WindowMath.olderBy(10, 9, 5)),
                () -> assertTrue(WindowMath.olderBy(-3, 1, 4)),
                () -> assertTrue(WindowMath.olderBy(MIN, MAX, 5)),
                () -> assertTrue(WindowMath.olderBy(MIN, MAX, MAX)),
                () -> assertTrue(WindowMath.olderBy(MIN, 0, MAX)),
                () -> assertTrue(WindowMath.olderBy(MIN + 1, 0, MAX)),
                () -> assertFalse(WindowMath.olderBy(MIN + 2, 0, MAX)),
                () -> assertFalse(WindowMath.olderBy(MAX, MIN, 5)),
                () -> assertFalse(WindowMath.olderBy(MAX - 4, MAX, 5)),
                () -> assertTrue(WindowMath.olderBy(MAX - 5, MAX, 5)));
    }

    @Test
    void inWindowIsHalfOpenExcludingTheReadTime() {
        long t = 10_500;
        assertAll(
                () -> assertFalse(WindowMath.inWindow(t, t, 10_000, 1_000)),
                () -> assertTrue(WindowMath.inWindow(t - 1, t, 10_000, 1_000)),
                () -> assertTrue(WindowMath.inWindow(1_000, t, 10_000, 1_000)),
                () -> assertFalse(WindowMath.inWindow(999, t, 10_000, 1_000)),
                () -> assertFalse(WindowMath.inWindow(MIN, MIN, 10, 1)),
                () -> assertTrue(WindowMath.inWindow(MIN, MIN + 1, 10, 1)),
                () -> assertTrue(WindowMath.inWindow(MAX - 1, MAX, 10, 1)),
                () -> assertFalse(WindowMath.inWindow(MAX, MAX, 10, 1)));
    }
}
