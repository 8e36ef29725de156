package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reads are pure functions of the state: reading the same table twice (or two tables that applied
 * the same events in the same order) gives identical values, which online/offline agreement needs.
 */
class ReadDeterminismTest {

    @Test
    void twoTablesFedTheSameEventsReadIdenticallyForEveryFunction() {
        List<OracleHarness.Case> cases = everyFunctionAndWindowKind();
        CompiledView view = OracleHarness.compile(cases);
        List<TestEvent> stream = TestStreams.generate(77, 400, 3, 0, 300, 3_000, 40_000);
        TileTable a = new TileTable(view, 4);
        TileTable b = new TileTable(view, 4);
        TestRow row = new TestRow(null);
        long last = Long.MIN_VALUE;
        for (TestEvent e : OracleHarness.applicationOrder(stream)) {
            a.apply(row.reset(e.values()), e.seq());
            b.apply(row, e.seq());
            last = Math.max(last, (Long) e.get(TestStreams.EVENT_TIME));
        }
        FeatureVector va = new FeatureVector(cases.size());
        FeatureVector vb = new FeatureVector(cases.size());
        for (long t : new long[] {last + 1, last + 1_000, last + 5_000}) {
            for (int k = 0; k < 3; k++) {
                a.read("card-" + k, t, va, a.newReader());
                b.read("card-" + k, t, vb, b.newReader());
                for (int i = 0; i < cases.size(); i++) {
                    String what = cases.get(i).spec().name() + " of card-" + k + " at " + t;
                    assertEquals(va.status(i), vb.status(i), what);
                    assertEquals(va.value(i), vb.value(i), what);
                    assertEquals(va.eventTime(i), vb.eventTime(i), what);
                }
                a.read("card-" + k, t, vb, a.newReader());
                for (int i = 0; i < cases.size(); i++) {
                    assertEquals(va.value(i), vb.value(i), "re-read of " + cases.get(i).spec().name());
                }
            }
        }
    }

    /**
     * A reader keeps its merged sketches and empties them for the next read instead of allocating
     * new ones: one reader reused across keys of every size (sketches past their small form, single
     * events, unknown keys) and times (including windows that have emptied) reads exactly what a
     * fresh reader reads each time.
     */
    @Test
    void aReaderReusedAcrossKeysAndTimesReadsLikeAFreshOne() {
        List<OracleHarness.Case> cases = everyFunctionAndWindowKind();
        CompiledView view = OracleHarness.compile(cases);
        TileTable table = new TileTable(view, 16);
        // 8 cards, 3,000 events in ~60 s: a 10-second window holds ~60 of a card's values
        long last = feed(table, TestStreams.generate(79, 3_000, 8, 0, 20, 3_000, 40_000));
        TileTable.Reader reused = table.newReader();
        FeatureVector a = new FeatureVector(cases.size());
        FeatureVector b = new FeatureVector(cases.size());
        SplittableRandom random = new SplittableRandom(5);
        for (int r = 0; r < 400; r++) {
            String key = "card-" + random.nextInt(10); // cards 8 and 9 were never seen
            long t = last - random.nextLong(60_000) + random.nextLong(20_000);
            table.read(key, t, a, reused);
            table.read(key, t, b, table.newReader());
            for (int i = 0; i < cases.size(); i++) {
                String what = cases.get(i).spec().name() + " of " + key + " at " + t + " (read " + r + ")";
                assertEquals(b.status(i), a.status(i), what);
                assertEquals(b.value(i), a.value(i), what);
                assertEquals(b.eventTime(i), a.eventTime(i), what);
            }
        }
    }

    /**
     * Serving reads only the storage groups holding requested features: a vector wanting one feature
     * reads it exactly as a full read does, and the groups it does not need are skipped (their
     * features stay NOT_FOUND) — for every function and window kind.
     */
    @Test
    void readingOneFeatureSkipsOtherGroupsAndReadsItExactly() {
        List<OracleHarness.Case> cases = everyFunctionAndWindowKind();
        CompiledView view = OracleHarness.compile(cases);
        TileTable table = new TileTable(view, 4);
        long last = feed(table, TestStreams.generate(78, 400, 3, 0, 300, 3_000, 40_000));
        FeatureVector all = new FeatureVector(cases.size());
        int skipped = 0;
        for (long t : new long[] {last + 1, last + 2_000}) {
            for (int k = 0; k < 3; k++) {
                String key = "card-" + k;
                table.read(key, t, all, table.newReader());
                for (int i = 0; i < cases.size(); i++) {
                    boolean[] wanted = new boolean[cases.size()];
                    wanted[i] = true;
                    FeatureVector one = new FeatureVector(cases.size(), wanted);
                    table.read(key, t, one, table.newReader());
                    String what = cases.get(i).spec().name() + " of " + key + " at " + t;
                    assertEquals(all.status(i), one.status(i), what);
                    assertEquals(all.value(i), one.value(i), what);
                    assertEquals(all.eventTime(i), one.eventTime(i), what);
                    for (int j = 0; j < cases.size(); j++) {
                        if (all.status(j) == Status.PRESENT && one.status(j) == Status.NOT_FOUND) {
                            skipped++;
                        }
                    }
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(skipped > 0, "no group was skipped");
    }

    /**
     * A window merging many full tiles reads the same bits on every read, and in a second table fed
     * the same events. (The KLL sketch this replaced compacted with DataSketches' static, unseeded
     * {@code Random}, so each read of an unchanged table could give a different percentile.)
     */
    @Test
    void approxPercentileOverManyFullTilesReadsTheSameEveryTime() {
        AggregationSpec p50 = agg("p50", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000),
                null, new AggregationParams(10, 0, 0.5, 12, 0.01));
        AggregationSpec p99 = agg("p99", AggregationFunction.APPROX_PERCENTILE, "amount", hopping(10_000, 1_000),
                null, new AggregationParams(10, 0, 0.99, 12, 0.01));
        ViewFixture f = ViewFixture.of(p50, p99);
        ViewFixture g = ViewFixture.of(p50, p99);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            Object[] row = txn("c", i / 2, r.nextDouble(-1_000, 1_000));
            f.apply(row);
            g.apply(row);
        }
        for (String name : List.of("p50", "p99")) {
            long first = Double.doubleToRawLongBits((Double) f.value("c", 10_000, name));
            for (int i = 0; i < 20; i++) {
                assertEquals(first, Double.doubleToRawLongBits((Double) f.value("c", 10_000, name)), name + " read " + i);
            }
            assertEquals(first, Double.doubleToRawLongBits((Double) g.value("c", 10_000, name)), name + " of the twin table");
        }
    }

    /** Every function over a hopping, an exact sliding, a session and a lifetime window. */
    private static List<OracleHarness.Case> everyFunctionAndWindowKind() {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", 10_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("hopping", 3_000, 1));
        cases.addAll(OracleHarness.allFunctions("session", 1_500, 0));
        cases.addAll(OracleHarness.allFunctions("lifetime", 0, 0));
        return cases;
    }

    /** Applies {@code stream} in application order; returns its latest event time. */
    private static long feed(TileTable table, List<TestEvent> stream) {
        TestRow row = new TestRow(null);
        long last = Long.MIN_VALUE;
        for (TestEvent e : OracleHarness.applicationOrder(stream)) {
            table.apply(row.reset(e.values()), e.seq());
            last = Math.max(last, (Long) e.get(TestStreams.EVENT_TIME));
        }
        return last;
    }
}
