package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static dev.freshet.aggregation.ViewFixture.tumbling;
import static dev.freshet.aggregation.ViewFixture.txn;
import static dev.freshet.model.spec.AggregationFunction.COUNT;
import static dev.freshet.model.spec.AggregationFunction.FIRST;
import static dev.freshet.model.spec.AggregationFunction.LAST;
import static dev.freshet.model.spec.AggregationFunction.SUM;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Negative timestamps and timestamps at the ends of the {@code long} range: no exception, no
 * wrap-around, and the same values as the brute-force oracle (whose window bounds are exact over the
 * whole range) for random streams running into both ends and for hand-made examples, which also
 * state their expected counts.
 */
class ExtremeTimestampTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    private static List<TestEvent> stream(long seed, long start) {
        return TestStreams.generate(seed, 150, 3, start, 400, 3_000, 40_000);
    }

    private static List<OracleHarness.Case> hoppingAndSliding() {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 10_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("hopping", 2_000, 1));
        cases.addAll(OracleHarness.allFunctions("hopping", 300, 1));
        return cases;
    }

    @Test
    void streamsCrossingZeroMatchTheOracle() {
        for (long seed = 1; seed <= 3; seed++) {
            OracleHarness.check(seed, hoppingAndSliding(), stream(seed, -30_000), 10_000, 1_000);
            OracleHarness.check(seed, OracleHarness.allFunctions("tumbling", 7_000, 7_000), stream(seed, -30_000), 7_000, 7_000);
            OracleHarness.check(seed, OracleHarness.allFunctions("session", 1_500, 0), stream(seed, -30_000), 1_500, 0);
        }
    }

    /** Streams starting at Long.MIN_VALUE (early event times saturate there): windows reach below the range. */
    @Test
    void streamsStartingAtLongMinValueMatchTheOracle() {
        for (long seed = 7; seed <= 9; seed++) {
            for (long start : new long[] {MIN, MIN + 5_000}) {
                OracleHarness.check(seed, hoppingAndSliding(), stream(seed, start), 10_000, 1_000);
                OracleHarness.check(seed, OracleHarness.allFunctions("tumbling", 7_000, 7_000), stream(seed, start), 7_000, 7_000);
                OracleHarness.check(seed, OracleHarness.allFunctions("session", 1_500, 0), stream(seed, start), 1_500, 0);
                OracleHarness.check(seed, OracleHarness.allFunctions("lifetime", 0, 0), stream(seed, start), 0, 0);
            }
        }
    }

    /**
     * Streams running into Long.MAX_VALUE (their last arrivals and future events pile up there),
     * read up to MAX itself, where ceil(t/H)*H is beyond the range. Events at exactly MAX are never
     * applied: no read time lies after them.
     */
    @Test
    void streamsRunningIntoLongMaxValueMatchTheOracle() {
        for (long seed = 8; seed <= 10; seed++) {
            for (long start : new long[] {MAX - 50_000, MAX - 70_000}) {
                OracleHarness.check(seed, hoppingAndSliding(), stream(seed, start), 10_000, 1_000);
                OracleHarness.check(seed, OracleHarness.allFunctions("tumbling", 7_000, 7_000), stream(seed, start), 7_000, 7_000);
                OracleHarness.check(seed, OracleHarness.allFunctions("session", 1_500, 0), stream(seed, start), 1_500, 0);
                OracleHarness.check(seed, OracleHarness.allFunctions("lifetime", 0, 0), stream(seed, start), 0, 0);
            }
        }
    }

    /** Every function over the window shapes of {@link #everyShape}, for the oracle. */
    private static List<OracleHarness.Case> everyShapeForTheOracle() {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 10_000, 1));
        cases.addAll(OracleHarness.allFunctions("hopping", 100, 1));
        cases.addAll(OracleHarness.allFunctions("hopping", 10_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("tumbling", 1_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("session", 1_000, 0));
        cases.addAll(OracleHarness.allFunctions("lifetime", 0, 0));
        return cases;
    }

    /**
     * The hand-made examples' events (key, event time; available at their event time, in this
     * arrival order, with varied inputs) through every function, checked against the oracle.
     */
    private static void assertOracleAgrees(List<OracleHarness.Case> cases, Object[][] events, long... readTimes) {
        List<TestEvent> arrivals = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            long t = (Long) events[i][1];
            Object[] v = txn((String) events[i][0], t, "m" + (i % 2), (double) (1 << i), (long) i - 1, i % 3 != 0);
            arrivals.add(new TestEvent(i, t, v));
        }
        OracleHarness.checkAt(cases, arrivals, Arrays.stream(readTimes).sorted().boxed().toList(), "hand-made");
    }

    private static ViewFixture everyShape() {
        return ViewFixture.of(
                agg("sliding", COUNT, null, hopping(10_000, 1)),
                agg("dense_1ms", COUNT, null, hopping(100, 1)),
                agg("dense", COUNT, null, hopping(10_000, 1_000)),
                agg("tumbling", COUNT, null, tumbling(1_000)),
                agg("session", COUNT, null, session(1_000)),
                agg("lifetime", COUNT, null, lifetime()),
                agg("sum", SUM, "amount", hopping(10_000, 1_000)),
                agg("first", FIRST, "amount", hopping(10_000, 1)),
                agg("last", LAST, "amount", session(1_000)));
    }

    private static void assertCounts(ViewFixture f, long t, long sliding, long dense1ms, long dense, long tumbling,
                                     long session, long lifetime) {
        FeatureVector v = f.read("c", t);
        assertAll("t=" + t,
                () -> assertEquals(sliding, v.getLong(f.index("sliding")), "sliding 10s/1ms"),
                () -> assertEquals(dense1ms, v.getLong(f.index("dense_1ms")), "sliding 100ms/1ms (dense)"),
                () -> assertEquals(dense, v.getLong(f.index("dense")), "hopping 10s/1s"),
                () -> assertEquals(tumbling, v.getLong(f.index("tumbling")), "tumbling 1s"),
                () -> assertEquals(session, v.getLong(f.index("session")), "session 1s"),
                () -> assertEquals(lifetime, v.getLong(f.index("lifetime")), "lifetime"));
    }

    @Test
    void timestampsAtLongMaxValueAggregateWithoutOverflow() {
        ViewFixture f = everyShape();
        f.apply(txn("c", MAX - 5_000, 1.0));
        assertCounts(f, MAX - 4_999, 1, 1, 1, 1, 1, 1);
        f.apply(txn("c", MAX - 700, 2.0));
        f.apply(txn("c", MAX - 2, 4.0));
        // The newest 1 s tile, 9_223_372_036_854_775, starts at MAX - 807: the tumbling window at MAX
        // holds MAX - 700 and MAX - 2 but not MAX - 5000; 10 hops of 1 s start at ...766_000.
        assertCounts(f, MAX - 1, 3, 1, 3, 2, 2, 3);
        assertCounts(f, MAX, 3, 1, 3, 2, 2, 3);
        FeatureVector v = f.read("c", MAX);
        assertAll(
                () -> assertEquals(7.0, v.value(f.index("sum"))),
                () -> assertEquals(MAX - 2, v.eventTime(f.index("sum"))),
                () -> assertEquals(1.0, v.value(f.index("first"))),
                () -> assertEquals(MAX - 5_000, v.eventTime(f.index("first"))),
                () -> assertEquals(4.0, v.value(f.index("last"))),
                () -> assertEquals(MAX - 2, v.eventTime(f.index("last"))));
        assertOracleAgrees(everyShapeForTheOracle(), new Object[][] {{"c", MAX - 5_000}, {"c", MAX - 700}, {"c", MAX - 2}},
                MAX - 5_000, MAX - 4_999, MAX - 808, MAX - 807, MAX - 701, MAX - 2, MAX - 1, MAX);
    }

    @Test
    void timestampsAtLongMinValueAggregateWithoutOverflow() {
        ViewFixture f = everyShape();
        assertCounts(f, MIN, 0, 0, 0, 0, 0, 0);
        f.apply(txn("c", MIN, 1.0));
        assertCounts(f, MIN + 1, 1, 1, 1, 1, 1, 1);
        f.apply(txn("c", MIN + 1, 2.0));
        assertCounts(f, MIN + 2, 2, 2, 2, 2, 2, 2);
        f.apply(txn("c", MIN + 150, 4.0));
        // 100 ms sliding: [MIN + 51, MIN + 151) holds only MIN + 150.
        assertCounts(f, MIN + 151, 3, 1, 3, 3, 3, 3);
        f.apply(txn("c", MIN + 1_500, 8.0));
        // MIN lies in 1 s tile -9_223_372_036_854_776 = [MIN - 192, MIN + 808): tumbling at MIN + 1501
        // reads tile ...775 = [MIN + 808, MIN + 1808); the session restarts (gap 1350 > 1000).
        assertCounts(f, MIN + 1_501, 4, 1, 4, 1, 1, 4);
        FeatureVector v = f.read("c", MIN + 1_501);
        assertAll(
                () -> assertEquals(15.0, v.value(f.index("sum"))),
                () -> assertEquals(1.0, v.value(f.index("first"))),
                () -> assertEquals(MIN, v.eventTime(f.index("first"))),
                () -> assertEquals(8.0, v.value(f.index("last"))));
        // Hops are aligned to multiples of H from 0, not from MIN: at MIN + 10000 the 10 s window is
        // tiles -...775 to -...766 = [MIN + 808, MIN + 10808), so only MIN + 1500 is left in it.
        assertCounts(f, MIN + 10_000, 4, 0, 1, 0, 0, 4);
        assertCounts(f, MIN + 10_001, 3, 0, 1, 0, 0, 4);
        assertCounts(f, MIN + 1_000_000_000L, 0, 0, 0, 0, 0, 4);
        assertOracleAgrees(everyShapeForTheOracle(),
                new Object[][] {{"c", MIN}, {"c", MIN + 1}, {"c", MIN + 150}, {"c", MIN + 1_500}},
                MIN, MIN + 1, MIN + 2, MIN + 151, MIN + 807, MIN + 808, MIN + 809, MIN + 1_501, MIN + 10_000, MIN + 10_001,
                MIN + 1_000_000_000L);
    }

    /** Events at both ends of the range are 2^64 - 2 ms apart, not -2: they never share a session. */
    @Test
    void aSessionNeverBridgesTheWholeLongRange() {
        ViewFixture f = ViewFixture.of(agg("session", COUNT, null, session(1_000)), agg("lifetime", COUNT, null, lifetime()));
        f.apply(txn("c", MIN, 1.0));
        f.apply(txn("c", MAX - 1, 2.0));
        assertEquals(1L, f.value("c", MAX, "session"));
        assertEquals(2L, f.value("c", MAX, "lifetime"));
        assertOracleAgrees(OracleHarness.allFunctions("session", 1_000, 0), new Object[][] {{"c", MIN}, {"c", MAX - 1}},
                MIN + 1, MIN + 1_000, MIN + 1_001, MAX - 1, MAX);
    }

    @Test
    void hopsOfAWholeDayWorkAtBothEndsOfTheLongRange() {
        long day = 86_400_000L;
        ViewFixture f = ViewFixture.of(agg("week", COUNT, null, hopping(7 * day, day)), agg("day", COUNT, null, tumbling(day)));
        f.apply(txn("lo", MIN, 1.0));
        f.apply(txn("lo", MIN + 3 * day, 1.0));
        assertEquals(2L, f.value("lo", MIN + 3 * day + 1, "week"));
        assertEquals(1L, f.value("lo", MIN + 3 * day + 1, "day"));
        assertEquals(0L, f.value("lo", MIN + 100 * day, "week"));
        f.apply(txn("hi", MAX - 3 * day, 1.0));
        f.apply(txn("hi", MAX - 1, 1.0));
        assertEquals(2L, f.value("hi", MAX, "week"));
        assertEquals(1L, f.value("hi", MAX, "day"));
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 7 * day, day));
        cases.addAll(OracleHarness.allFunctions("tumbling", day, day));
        assertOracleAgrees(cases, new Object[][] {{"lo", MIN}, {"lo", MIN + 3 * day}, {"hi", MAX - 3 * day}, {"hi", MAX - 1}},
                MIN, MIN + 3 * day + 1, MIN + 7 * day, MIN + 100 * day, MAX - 3 * day, MAX - day, MAX - 1, MAX);
    }
}
