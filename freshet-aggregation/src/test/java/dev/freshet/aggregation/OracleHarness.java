package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.WatermarkTracker;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.BruteForceOracle;
import dev.freshet.testkit.Expected;
import dev.freshet.testkit.FieldReferences;
import dev.freshet.testkit.OracleFeature;
import dev.freshet.testkit.Quantiles;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Runs a generated stream through a {@link TileTable} the way drivers do (lateness judged in
 * arrival order, events applied in (max(available_at, event_time + 1), seq) order) and compares
 * every feature, at many read times, with the {@link BruteForceOracle}.
 */
final class OracleHarness {
    static final long LATENESS = 10_000;

    /** A feature under test: its spec for the engine and its description for the oracle. */
    record Case(AggregationSpec spec, OracleFeature oracle) {
    }

    static final EntitySpec CARD = new EntitySpec("card", List.of(Field.required("card_id", FieldType.STRING)), "");

    static SourceSpec source() {
        return new SourceSpec("txn", SourceKind.STREAM, TestStreams.SCHEMA, "event_time",
                Duration.ofMillis(LATENESS), null, null, null, "");
    }

    /** Every function over suitable inputs, with and without a filter, for one window. */
    static List<Case> allFunctions(String window, long size, long hop) {
        WindowSpec ws = switch (window) {
            case "lifetime" -> new WindowSpec.Lifetime();
            case "session" -> new WindowSpec.Session(Duration.ofMillis(size));
            case "tumbling" -> new WindowSpec.Tumbling(Duration.ofMillis(size));
            default -> new WindowSpec.Hopping(Duration.ofMillis(size), Duration.ofMillis(hop));
        };
        String oracleWindow = window.equals("tumbling") ? "hopping" : window;
        long oracleHop = window.equals("tumbling") ? size : hop;
        List<Case> cases = new ArrayList<>();
        String[][] combos = {
                {"count", null}, {"sum", "amount"}, {"sum", "qty"}, {"avg", "amount"}, {"avg", "qty"},
                {"min", "amount"}, {"max", "amount"}, {"min", "qty"}, {"max", "qty"},
                {"stddev", "amount"}, {"variance", "amount"}, {"stddev_pop", "qty"}, {"variance_pop", "amount"},
                {"first", "amount"}, {"last", "amount"}, {"first", "merchant"}, {"last", "merchant"}, {"last", "qty"},
                {"last_n", "merchant"}, {"last_n", "amount"}, {"count_distinct", "merchant"}, {"count_distinct", "qty"},
                {"approx_count_distinct", "merchant"}, {"approx_percentile", "amount"}, {"top_k", "merchant"},
        };
        for (boolean filtered : new boolean[] {false, true}) {
            for (String[] c : combos) {
                AggregationFunction fn = AggregationFunction.parse(c[0]).orElseThrow();
                String input = c[1];
                String name = c[0] + "_" + (input == null ? "events" : input) + (filtered ? "_flagged" : "") + "_" + window
                        + "_" + size + "_" + hop;
                AggregationParams params = new AggregationParams(3, fn == AggregationFunction.TOP_K ? 2 : 0,
                        0.9, 12, 0.01);
                int inputIndex = input == null ? -1 : TestStreams.SCHEMA.indexOf(input);
                boolean integral = "qty".equals(input);
                cases.add(new Case(
                        new AggregationSpec(name, fn, input, ws, filtered ? "flag" : null, params, ""),
                        new OracleFeature(c[0], oracleWindow, size, oracleHop, inputIndex,
                                filtered ? TestStreams.FLAG : -1, integral, 3, 2, 0.9)));
            }
        }
        return cases;
    }

    static CompiledView compile(List<Case> cases) {
        FeatureViewSpec view = new FeatureViewSpec("v", "card", "txn",
                cases.stream().map(Case::spec).toList(), null, null, Map.of(), "");
        return ViewCompiler.compile(view, source(), CARD, FieldReferences::compile);
    }

    /** max(available_at, event_time + 1): the first read time at which the event counts (see {@link #applicationOrder}). */
    static long effective(TestEvent e) {
        long et = (Long) e.get(TestStreams.EVENT_TIME);
        return Math.max(e.arrival(), et == Long.MAX_VALUE ? et : et + 1);
    }

    /**
     * Lateness in arrival order with the production tracker; then application order. An accepted
     * event at {@code Long.MAX_VALUE} is left out: no read time lies after it, so the driver holds
     * it forever (it applies an event only once its clock has passed the event time).
     */
    static List<TestEvent> applicationOrder(List<TestEvent> arrivals) {
        WatermarkTracker wm = new WatermarkTracker(LATENESS, 1);
        List<TestEvent> accepted = new ArrayList<>();
        for (TestEvent e : arrivals) {
            long et = (Long) e.get(TestStreams.EVENT_TIME);
            if (wm.offer(0, et) && et != Long.MAX_VALUE) {
                accepted.add(e);
            }
        }
        accepted.sort(Comparator.comparingLong(OracleHarness::effective).thenComparingLong(TestEvent::seq));
        return accepted;
    }

    /**
     * Read times: random ones, every event time exactly, hop boundaries, and long after the end
     * (decay); saturated at {@code Long.MAX_VALUE} for streams that run up to it.
     */
    static List<Long> readTimes(List<TestEvent> events, long seed, long size, long hop) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (TestEvent e : events) {
            long et = (Long) e.get(TestStreams.EVENT_TIME);
            min = Math.min(min, Math.min(et, e.arrival()));
            max = Math.max(max, Math.max(et, e.arrival()));
        }
        TreeSet<Long> times = new TreeSet<>();
        long bound = max == Long.MAX_VALUE ? max : max + 1;
        for (int i = 0; i < 25; i++) {
            times.add(min < bound ? r.nextLong(min, bound) : min);
        }
        times.add(max);
        for (int i = 0; i < 8; i++) {
            long et = (Long) events.get(r.nextInt(events.size())).get(TestStreams.EVENT_TIME);
            times.add(et);
            if (hop > 0) {
                // the hop boundary at or after et, when it is a long
                long ceil = Math.ceilDiv(et, hop);
                if (ceil <= Long.MAX_VALUE / hop) {
                    times.add(ceil * hop);
                }
            }
        }
        long span = Math.max(size, 1000);
        for (long after : new long[] {1, span / 2, span - 1, span, span + 1, 2 * span + 7, 10 * span}) {
            times.add(max > Long.MAX_VALUE - after ? Long.MAX_VALUE : max + after);
        }
        return new ArrayList<>(times);
    }

    /** Replays the stream and checks every feature of every key at every read time. */
    static void check(long seed, List<Case> cases, List<TestEvent> arrivals, long size, long hop) {
        checkAt(cases, arrivals, readTimes(arrivals, seed, size, hop), "seed=" + seed);
    }

    /** Replays the stream and checks every feature of every key at the given read times (ascending). */
    static void checkAt(List<Case> cases, List<TestEvent> arrivals, List<Long> readTimes, String where) {
        CompiledView view = compile(cases);
        TileTable table = new TileTable(view, 8);
        TileTable.Reader reader = table.newReader();
        FeatureVector out = new FeatureVector(cases.size());
        BruteForceOracle oracle = new BruteForceOracle(TestStreams.CARD, TestStreams.EVENT_TIME);
        List<TestEvent> accepted = oracle.accepted(arrivals, LATENESS);
        List<TestEvent> order = applicationOrder(arrivals);
        TreeSet<Object> keys = new TreeSet<>();
        for (TestEvent e : arrivals) {
            keys.add(e.get(TestStreams.CARD));
        }
        keys.add("card-never-seen");
        TestRow row = new TestRow(null);
        int next = 0;
        for (long t : readTimes) {
            while (next < order.size() && effective(order.get(next)) <= t) {
                TestEvent e = order.get(next++);
                table.apply(row.reset(e.values()), e.seq());
            }
            for (Object key : keys) {
                table.read(key, t, out, reader);
                for (int i = 0; i < cases.size(); i++) {
                    Expected want = oracle.evaluate(cases.get(i).oracle(), accepted, key, t);
                    compare(cases.get(i), want, out, i, where + " key=" + key + " t=" + t);
                }
            }
        }
    }

    static void compare(Case c, Expected want, FeatureVector out, int i, String where) {
        String what = where + " feature=" + c.spec().name();
        assertEquals(want.status(), out.status(i).name(), what + " status");
        assertEquals(want.eventTime(), out.eventTime(i), what + " event time");
        if (!want.status().equals("PRESENT")) {
            return;
        }
        Object got = out.value(i);
        Object exp = want.value();
        switch (c.spec().function()) {
            case APPROX_COUNT_DISTINCT -> {
                long e = (Long) exp;
                long g = (Long) got;
                assertTrue(Math.abs(g - e) <= Math.max(1, e * 0.03), what + " hll " + g + " vs exact " + e);
            }
            case APPROX_PERCENTILE -> {
                double e = (Double) exp;
                double g = (Double) got;
                double alpha = c.spec().params().relativeAccuracy();
                assertTrue(Quantiles.withinRelativeAccuracy(e, g, alpha),
                        what + " ddsketch " + g + " not within " + alpha + " of the exact lower quantile " + e);
            }
            default -> {
                if (exp instanceof Double d) {
                    double g = ((Number) got).doubleValue();
                    double tol = 1e-9 * Math.max(1.0, Math.abs(d));
                    if (Math.abs(g - d) > tol) {
                        fail(what + " expected " + d + " got " + g);
                    }
                } else {
                    assertEquals(exp, got, what);
                }
            }
        }
    }

    private OracleHarness() {
    }
}
