package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * merge(split A, split B) == all: an accepted stream in application order is split event by event
 * (seeded coin flips) into two tables; merging them must read exactly like one table that applied
 * everything, at read times during the stream (both halves hold every event visible at {@code t})
 * and long after it. Doubles may differ in the last bits (addition order), HLL estimates by 3%.
 * Streams start at random times between -5e9 and 5e9 ms (drawn from the seed).
 */
class MergeEquivalenceProperties {

    static LongStream denseSeeds() {
        return Seeds.of(5150, 20);
    }

    static LongStream sparseSeeds() {
        return Seeds.of(5151, 15);
    }

    static LongStream sessionSeeds() {
        return Seeds.of(5152, 20);
    }

    static LongStream lifetimeSeeds() {
        return Seeds.of(5153, 15);
    }

    static LongStream keyPartitionedSessionSeeds() {
        return Seeds.of(5154, 20);
    }

    private static long start(long seed) {
        return new SplittableRandom(seed).nextLong(-5_000_000_000L, 5_000_000_001L);
    }

    private static List<TestEvent> stream(long seed) {
        return TestStreams.generate(seed, 200, 3, start(seed), 400, 3_000, 40_000);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("denseSeeds")
    void denseHoppingWindowsMergeLikeOneTable(long seed) {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 10_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("hopping", 4_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("tumbling", 7_000, 7_000));
        check(seed, cases, stream(seed), 10_000, 1_000);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("sparseSeeds")
    void sparseSlidingWindowsMergeLikeOneTable(long seed) {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 3_000, 1));
        cases.addAll(OracleHarness.allFunctions("hopping", 1_200, 1));
        check(seed, cases, stream(seed), 3_000, 1);
    }

    /**
     * Sessions split event by event. A session group evicts sessions ending before (its newest event
     * - lateness - gap), which is exact for one table but not across splits: a split may evict a
     * session that events of the other split later bridge into the newest one (e.g. gap 10, lateness
     * 50: A = {0, 100}, B = {5, 15, ..., 95}; A alone evicts the session at 0, so the merge counts 11
     * events where one table counts 12). This property therefore uses a lateness longer than the
     * stream, so no split evicts; {@link #sessionWindowsOfKeyPartitionedSplitsMergeLikeOneTable}
     * covers eviction with the split real deployments use.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("sessionSeeds")
    void sessionWindowsMergeLikeOneTable(long seed) {
        List<OracleHarness.Case> cases = OracleHarness.allFunctions("session", 1_500, 0);
        CompiledView noEviction = ViewFixture.compile(ViewFixture.source(TestStreams.SCHEMA, 1_000_000_000L), OracleHarness.CARD,
                cases.stream().map(OracleHarness.Case::spec).toArray(AggregationSpec[]::new));
        check(seed, cases, noEviction, stream(seed), 1_500, 0, Split.PER_EVENT);
    }

    /** Sessions with eviction, split by entity key (as a source partitioned by the entity key is). */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("keyPartitionedSessionSeeds")
    void sessionWindowsOfKeyPartitionedSplitsMergeLikeOneTable(long seed) {
        List<OracleHarness.Case> cases = OracleHarness.allFunctions("session", 1_500, 0);
        check(seed, cases, OracleHarness.compile(cases), TestStreams.generate(seed, 200, 6, start(seed), 400, 3_000, 40_000),
                1_500, 0, Split.PER_KEY);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("lifetimeSeeds")
    void lifetimeAggregatesMergeLikeOneTable(long seed) {
        check(seed, OracleHarness.allFunctions("lifetime", 0, 0), stream(seed), 0, 0);
    }

    /**
     * Known limitation, left for a design decision: the counterexample of
     * {@link #sessionWindowsMergeLikeOneTable}. Merging session state is exact only when neither
     * split evicted a session the other split bridges. Enable with a fix.
     */
    @Test
    @Disabled("session eviction in one split loses events the other split bridges into the newest session")
    void sessionMergeKeepsEventsTheOtherSplitBridges() {
        CompiledView view = ViewFixture.compile(ViewFixture.source(TestStreams.SCHEMA, 50), OracleHarness.CARD,
                ViewFixture.agg("n", AggregationFunction.COUNT, null, ViewFixture.session(10)));
        ViewFixture all = new ViewFixture(view);
        ViewFixture a = new ViewFixture(view);
        ViewFixture b = new ViewFixture(view);
        long seq = 0;
        all.apply(ViewFixture.txn("c", 0, 1.0), seq);
        a.apply(ViewFixture.txn("c", 0, 1.0), seq++);
        for (long t = 5; t <= 95; t += 10) {
            all.apply(ViewFixture.txn("c", t, 1.0), seq);
            b.apply(ViewFixture.txn("c", t, 1.0), seq++);
        }
        all.apply(ViewFixture.txn("c", 100, 1.0), seq);
        a.apply(ViewFixture.txn("c", 100, 1.0), seq);
        assertEquals(12L, all.value("c", 101, "n"));
        a.table.mergeFrom(b.table);
        assertEquals(12L, a.value("c", 101, "n"));
    }

    @Test
    void mergingStateOfADifferentViewIsRejected() {
        TileTable a = new TileTable(OracleHarness.compile(OracleHarness.allFunctions("lifetime", 0, 0)), 4);
        TileTable b = new TileTable(OracleHarness.compile(OracleHarness.allFunctions("hopping", 10_000, 1_000)), 4);
        assertThrows(IllegalArgumentException.class, () -> a.mergeFrom(b));
    }

    /**
     * Replays the stream into one table and into two halves; at every read time compares the single
     * table with a fresh merge of both halves, then finally merges B into A itself.
     */
    static void check(long seed, List<OracleHarness.Case> cases, List<TestEvent> arrivals, long size, long hop) {
        check(seed, cases, OracleHarness.compile(cases), arrivals, size, hop, Split.PER_EVENT);
    }

    /** How events are dealt to the two halves. */
    enum Split { PER_EVENT, PER_KEY }

    static void check(long seed, List<OracleHarness.Case> cases, CompiledView view, List<TestEvent> arrivals, long size,
                      long hop, Split split) {
        TileTable all = new TileTable(view, 4);
        TileTable a = new TileTable(view, 4);
        TileTable b = new TileTable(view, 4);
        List<TestEvent> order = OracleHarness.applicationOrder(arrivals);
        SplittableRandom coin = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        Map<Object, Boolean> keySide = new HashMap<>();
        TreeSet<Object> keys = new TreeSet<>();
        for (TestEvent e : arrivals) {
            keys.add(e.get(TestStreams.CARD));
        }
        keys.add("card-never-seen");
        TestRow row = new TestRow(null);
        int next = 0;
        long lastEventTime = Long.MIN_VALUE;
        List<Long> times = OracleHarness.readTimes(arrivals, seed, size, hop);
        for (long t : times) {
            while (next < order.size() && OracleHarness.effective(order.get(next)) <= t) {
                TestEvent e = order.get(next++);
                row.reset(e.values());
                all.apply(row, e.seq());
                boolean toA = split == Split.PER_EVENT ? coin.nextBoolean()
                        : keySide.computeIfAbsent(e.get(TestStreams.CARD), k -> coin.nextBoolean());
                (toA ? a : b).apply(row, e.seq());
                lastEventTime = Math.max(lastEventTime, (Long) e.get(TestStreams.EVENT_TIME));
            }
            TileTable merged = new TileTable(view, 4);
            merged.mergeFrom(a);
            merged.mergeFrom(b);
            assertSameReads(cases, all, merged, keys, t, "seed=" + seed + " (fresh merge)");
        }
        a.mergeFrom(b);
        assertEquals(all.keyCount(), a.keyCount());
        for (long t : times) {
            if (t > lastEventTime) {
                assertSameReads(cases, all, a, keys, t, "seed=" + seed + " (A.mergeFrom(B))");
            }
        }
    }

    static void assertSameReads(List<OracleHarness.Case> cases, TileTable expected, TileTable actual, Iterable<Object> keys,
                                long t, String where) {
        FeatureVector want = new FeatureVector(cases.size());
        FeatureVector got = new FeatureVector(cases.size());
        TileTable.Reader wr = expected.newReader();
        TileTable.Reader gr = actual.newReader();
        for (Object key : keys) {
            expected.read(key, t, want, wr);
            actual.read(key, t, got, gr);
            for (int i = 0; i < cases.size(); i++) {
                assertSameValue(cases.get(i).spec().function(), want, got, i,
                        where + " key=" + key + " t=" + t + " feature=" + cases.get(i).spec().name());
            }
        }
    }

    static void assertSameValue(AggregationFunction fn, FeatureVector want, FeatureVector got, int i, String what) {
        assertEquals(want.status(i), got.status(i), what + " status");
        assertEquals(want.eventTime(i), got.eventTime(i), what + " event time");
        assertEquals(want.kind(i), got.kind(i), what + " kind");
        Object w = want.value(i);
        Object g = got.value(i);
        if (fn == AggregationFunction.APPROX_COUNT_DISTINCT) {
            long e = (Long) w;
            long a = (Long) g;
            assertTrue(Math.abs(a - e) <= Math.max(1, 0.03 * e), what + " hll " + a + " vs " + e);
        } else if (w instanceof Double d) {
            double x = (Double) g;
            assertTrue(Math.abs(x - d) <= 1e-9 * Math.max(1.0, Math.abs(d)), what + " expected " + d + " got " + x);
        } else {
            assertEquals(w, g, what);
        }
    }
}
