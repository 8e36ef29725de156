package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ScratchFuzzReviewTest {

    static List<OracleHarness.Case> numeric(List<OracleHarness.Case> cases) {
        Set<AggregationFunction> objects = EnumSet.of(AggregationFunction.LAST_N, AggregationFunction.COUNT_DISTINCT,
                AggregationFunction.APPROX_COUNT_DISTINCT, AggregationFunction.APPROX_PERCENTILE, AggregationFunction.TOP_K);
        return cases.stream().filter(c -> !"merchant".equals(c.spec().input()) && !objects.contains(c.spec().function())).toList();
    }

    static List<OracleHarness.Case> cases(int variant) {
        List<OracleHarness.Case> cases = new ArrayList<>();
        switch (variant % 4) {
            case 0 -> {
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 2_000, 500)));
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 600, 200)));
                cases.addAll(numeric(OracleHarness.allFunctions("tumbling", 3_000, 3_000)));
                cases.addAll(numeric(OracleHarness.allFunctions("lifetime", 0, 0)));
            }
            case 1 -> {
                cases.addAll(numeric(OracleHarness.allFunctions("tumbling", 1_000, 1_000)));
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 3 * 3_600_000L, 3_600_000L)));
            }
            case 2 -> {
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 7_200_000L, 3_600_000L)));
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 2_000, 1_000)));
                cases.addAll(numeric(OracleHarness.allFunctions("lifetime", 0, 0)));
                cases.addAll(OracleHarness.allFunctions("hopping", 4_000, 250));
            }
            default -> {
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 100, 10)));
                cases.addAll(numeric(OracleHarness.allFunctions("lifetime", 0, 0)));
                cases.addAll(numeric(OracleHarness.allFunctions("hopping", 30_000, 10_000)));
            }
        }
        return cases;
    }

    @Test
    void fuzz() {
        for (long seed = 1; seed <= 400; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            List<OracleHarness.Case> cases = cases((int) seed);
            CompiledView view = OracleHarness.compile(cases);
            long start = switch (r.nextInt(4)) {
                case 0 -> Long.MIN_VALUE + r.nextLong(0, 100_000);
                case 1 -> Long.MAX_VALUE - 5_000_000L - r.nextLong(0, 100_000);
                default -> r.nextLong(-5_000_000_000L, 5_000_000_001L);
            };
            int keyCount = 1 + r.nextInt(12);
            long gap = new long[] {5, 50, 300, 2_000, 20_000}[r.nextInt(5)];
            List<TestEvent> arrivals = TestStreams.generate(seed, 200, keyCount, start, gap, 3_000, 9_000);
            TileTable tail = new TileTable(view, 4);
            TileTable atOnce = TileTable.applyingAtOnce(view, 4);
            TileTable restoredTail = null;
            TileTable copyA = null;
            TileTable mergeA = new TileTable(view, 4);
            TileTable mergeB = new TileTable(view, 4);
            TileTable mergeA1 = TileTable.applyingAtOnce(view, 4);
            TileTable mergeB1 = TileTable.applyingAtOnce(view, 4);
            List<TestEvent> order = OracleHarness.applicationOrder(arrivals);
            TileTable batched = new TileTable(view, 4);
            int bnext = 0;
            TreeSet<Object> keys = new TreeSet<>();
            for (TestEvent e : arrivals) {
                keys.add(e.get(TestStreams.CARD));
            }
            keys.add("card-never-seen");
            TestRow row = new TestRow(null);
            int next = 0;
            long maxApplied = Long.MIN_VALUE;
            TileTable.Reader tr = tail.newReader();
            List<Long> times = OracleHarness.readTimes(arrivals, seed, 10_000, 500);
            int ti = 0;
            for (long t : times) {
                while (next < order.size() && OracleHarness.effective(order.get(next)) <= t) {
                    TestEvent e = order.get(next++);
                    row.reset(e.values());
                    tail.apply(row, e.seq());
                    atOnce.apply(row, e.seq());
                    if (restoredTail != null) {
                        restoredTail.apply(row, e.seq());
                    }
                    if (copyA != null && e.get(TestStreams.CARD).equals("card-0")) {
                        copyA.apply(row, e.seq());
                    }
                    ((e.seq() % 3 == 0) ? mergeA : mergeB).apply(row, e.seq());
                    ((e.seq() % 3 == 0) ? mergeA1 : mergeB1).apply(row, e.seq());
                    maxApplied = Math.max(maxApplied, (Long) e.get(TestStreams.EVENT_TIME));
                }
                while (bnext < next) {
                    int n = Math.min(next - bnext, 1 + r.nextInt(70));
                    Object[] bk = new Object[n];
                    long[] bt = new long[n];
                    long[] bs = new long[n];
                    Object[][] vals = new Object[n][];
                    for (int j = 0; j < n; j++) {
                        TestEvent e = order.get(bnext + j);
                        vals[j] = e.values();
                        bk[j] = e.get(TestStreams.CARD);
                        bt[j] = (Long) e.get(TestStreams.EVENT_TIME);
                        bs[j] = e.seq();
                    }
                    TestRow br = new TestRow(null);
                    batched.applyBatch(j -> br.reset(vals[j]), bk, bt, bs, n);
                    bnext += n;
                }
                if (t <= maxApplied) {
                    continue;
                }
                same(cases, atOnce, batched, null, keys, t, "seed=" + seed + " batched", null);
                String where = "seed=" + seed + " keys=" + keyCount + " gap=" + gap;
                boolean[] wanted = new boolean[cases.size()];
                for (int i = 0; i < wanted.length; i++) {
                    wanted[i] = r.nextInt(4) == 0;
                }
                same(cases, atOnce, tail, tr, keys, t, where + " tail", null);
                same(cases, atOnce, tail, tr, keys, t, where + " tail wants", wanted);
                same(cases, atOnce, tail, tr, keys, t, where + " tail again", null);
                same(cases, atOnce, restored(view, tail, true), null, keys, t, where + " restored into tail", null);
                if (restoredTail != null) {
                    same(cases, atOnce, restoredTail, null, keys, t, where + " restored then continued", null);
                }
                if (copyA != null) {
                    same(cases, atOnce, copyA, null, List.of("card-0"), t, where + " copied key then continued", null);
                }
                TileTable merged = new TileTable(view, 4);
                merged.mergeFrom(mergeA);
                merged.mergeFrom(mergeB);
                TileTable merged1 = TileTable.applyingAtOnce(view, 4);
                merged1.mergeFrom(mergeA1);
                merged1.mergeFrom(mergeB1);
                same(cases, merged1, merged, null, keys, t, where + " merged", null);
                if (ti++ == times.size() / 3) {
                    restoredTail = restored(view, tail, true);
                    int id = tail.keyId("card-0");
                    if (id >= 0) {
                        copyA = new TileTable(view, 1);
                        ByteWriter w = new ByteWriter(256);
                        tail.writeKeyState(id, w);
                        copyA.readKeyState(copyA.internKey("card-0"), new ByteReader(w.toByteArray()));
                    }
                }
            }
        }
    }

    static TileTable restored(CompiledView view, TileTable from, boolean withTail) {
        TileTable to = withTail ? new TileTable(view, 4) : TileTable.applyingAtOnce(view, 4);
        for (int k = 0; k < from.keyCount(); k++) {
            ByteWriter w = new ByteWriter(256);
            from.writeKeyState(k, w);
            to.readKeyState(to.internKey(from.key(k)), new ByteReader(w.toByteArray()));
        }
        return to;
    }

    static void same(List<OracleHarness.Case> cases, TileTable expected, TileTable actual, TileTable.Reader gr,
                     Iterable<Object> keys, long t, String where, boolean[] wanted) {
        FeatureVector want = new FeatureVector(cases.size(), wanted);
        FeatureVector got = new FeatureVector(cases.size(), wanted);
        TileTable.Reader wr = expected.newReader();
        if (gr == null) {
            gr = actual.newReader();
        }
        for (Object key : keys) {
            want.clear();
            got.clear();
            expected.read(key, t, want, wr);
            actual.read(key, t, got, gr);
            for (int i = 0; i < cases.size(); i++) {
                if (wanted != null && !wanted[i]) {
                    continue;
                }
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
