package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event tail (TileTable's deferred short-window groups) changes nothing a reader sees: a table
 * with the tail and one applying every event at once ({@link TileTable#applyingAtOnce}) read alike,
 * bit for bit, at every read time of seeded streams whose keys range from sparse (tail events
 * dropped unread by short windows, folded a few at a time into long and lifetime ones) to busy
 * (keys turned direct), beside a group with object IRs that is never deferred;
 * so does a table restored from the tail table's checkpoint bytes (which fold the tails in).
 */
class EventTailEquivalenceProperties {

    static LongStream seeds() {
        return Seeds.of(8801, 30);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void tailReadsLikeApplyingEveryEventAtOnce(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<OracleHarness.Case> cases = new ArrayList<>(numeric(OracleHarness.allFunctions("hopping", 2_000, 500)));
        cases.addAll(numeric(OracleHarness.allFunctions("hopping", 10_000, 1_000)));
        cases.addAll(numeric(OracleHarness.allFunctions("tumbling", 3_000, 3_000)));
        cases.addAll(OracleHarness.allFunctions("hopping", 4_000, 250)); // object IRs: not deferred
        cases.addAll(numeric(OracleHarness.allFunctions("hopping", 3 * 3_600_000L, 3_600_000L))); // long: folded, never dropped
        cases.addAll(numeric(OracleHarness.allFunctions("lifetime", 0, 0)));
        CompiledView view = OracleHarness.compile(cases);
        long start = r.nextLong(-5_000_000_000L, 5_000_000_001L);
        int keyCount = 1 + r.nextInt(12); // few keys: busy; many: sparse
        List<TestEvent> arrivals = TestStreams.generate(seed, 300, keyCount, start, 50 + r.nextInt(600), 3_000, 40_000);
        TileTable tail = new TileTable(view, 4);
        TileTable atOnce = TileTable.applyingAtOnce(view, 4);
        List<TestEvent> order = OracleHarness.applicationOrder(arrivals);
        TreeSet<Object> keys = new TreeSet<>();
        for (TestEvent e : arrivals) {
            keys.add(e.get(TestStreams.CARD));
        }
        keys.add("card-never-seen");
        TestRow row = new TestRow(null);
        int next = 0;
        for (long t : OracleHarness.readTimes(arrivals, seed, 10_000, 500)) {
            while (next < order.size() && OracleHarness.effective(order.get(next)) <= t) {
                TestEvent e = order.get(next++);
                row.reset(e.values());
                tail.apply(row, e.seq());
                atOnce.apply(row, e.seq());
            }
            String where = "seed=" + seed + " keys=" + keyCount;
            assertSameReadsBitForBit(cases, atOnce, tail, keys, t, where);
            assertSameReadsBitForBit(cases, atOnce, restored(tail, TileTable.applyingAtOnce(view, 4)), keys, t,
                    where + " (restored from the tail's bytes)");
            assertSameReadsBitForBit(cases, atOnce, restored(tail, new TileTable(view, 4)), keys, t,
                    where + " (restored from the tail's bytes into a table with a tail)");
        }
    }

    /** Functions whose states are objects (never deferred to the tail). */
    static final Set<AggregationFunction> OBJECT_IRS = EnumSet.of(AggregationFunction.LAST_N, AggregationFunction.COUNT_DISTINCT,
            AggregationFunction.APPROX_COUNT_DISTINCT, AggregationFunction.APPROX_PERCENTILE, AggregationFunction.TOP_K);

    /** The features a deferred group may hold: numeric inputs, no object IRs. */
    static List<OracleHarness.Case> numeric(List<OracleHarness.Case> cases) {
        return cases.stream().filter(c -> !"merchant".equals(c.spec().input()) && !OBJECT_IRS.contains(c.spec().function())).toList();
    }

    /** Restores every key of {@code from} into {@code to} from its checkpoint bytes. */
    static TileTable restored(TileTable from, TileTable to) {
        for (int k = 0; k < from.keyCount(); k++) {
            ByteWriter w = new ByteWriter(256);
            from.writeKeyState(k, w);
            to.readKeyState(to.internKey(from.key(k)), new ByteReader(w.toByteArray()));
        }
        return to;
    }

    private static void assertSameReadsBitForBit(List<OracleHarness.Case> cases, TileTable expected, TileTable actual,
                                                 Iterable<Object> keys, long t, String where) {
        FeatureVector want = new FeatureVector(cases.size());
        FeatureVector got = new FeatureVector(cases.size());
        TileTable.Reader wr = expected.newReader();
        TileTable.Reader gr = actual.newReader();
        for (Object key : keys) {
            expected.read(key, t, want, wr);
            actual.read(key, t, got, gr);
            for (int i = 0; i < cases.size(); i++) {
                String what = where + " key=" + key + " t=" + t + " feature=" + cases.get(i).spec().name();
                assertEquals(want.status(i), got.status(i), what + " status");
                assertEquals(want.eventTime(i), got.eventTime(i), what + " event time");
                Object w = want.value(i);
                Object g = got.value(i);
                assertEquals(w instanceof Double d ? (Object) Double.doubleToRawLongBits(d) : w,
                        g instanceof Double d ? (Object) Double.doubleToRawLongBits(d) : g, what + " value");
            }
        }
    }
}
