package dev.freshet.engine;

import dev.freshet.aggregation.FeatureVector;
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
import dev.freshet.testkit.FieldReferences;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Views, streams and read renderings shared by the engine tests (over {@link TestStreams#SCHEMA}). */
public final class EngineFixtures {
    public static final long LATENESS = 10_000;
    public static final EntitySpec CARD = new EntitySpec("card", List.of(Field.required("card_id", FieldType.STRING)), "");

    private EngineFixtures() {
    }

    public static SourceSpec source(long latenessMs, long maxFutureSkewMs) {
        return new SourceSpec("txn", SourceKind.STREAM, TestStreams.SCHEMA, "event_time", Duration.ofMillis(latenessMs), null,
                Duration.ofMillis(maxFutureSkewMs), null, "");
    }

    public static SourceSpec source() {
        return source(LATENESS, 60_000);
    }

    public static CompiledView compile(SourceSpec source, EntitySpec entity, List<AggregationSpec> specs) {
        FeatureViewSpec view = new FeatureViewSpec("v", entity.name(), source.name(), specs, null, null, Map.of(), "");
        return ViewCompiler.compile(view, source, entity, FieldReferences::compile);
    }

    public static CompiledView compile(List<AggregationSpec> specs) {
        return compile(source(), CARD, specs);
    }

    /** The window kinds: dense hopping, sparse sliding (hop 1 ms), tumbling, session and lifetime. */
    public static List<WindowSpec> everyWindowKind() {
        return List.of(
                new WindowSpec.Hopping(Duration.ofSeconds(10), Duration.ofSeconds(1)),
                new WindowSpec.Hopping(Duration.ofSeconds(3), Duration.ofMillis(1)),
                new WindowSpec.Tumbling(Duration.ofSeconds(7)),
                new WindowSpec.Session(Duration.ofMillis(1_500)),
                new WindowSpec.Lifetime());
    }

    /** Every function over suitable inputs (some filtered), for every window kind. */
    public static List<AggregationSpec> everyFunctionAndWindow(AggregationParams params) {
        String[][] combos = {
                {"count", null, null}, {"count", null, "flag"}, {"sum", "amount", null}, {"sum", "qty", "flag"},
                {"avg", "amount", null}, {"min", "amount", null}, {"max", "qty", null},
                {"stddev", "amount", null}, {"variance", "qty", null}, {"stddev_pop", "amount", "flag"}, {"variance_pop", "amount", null},
                {"first", "amount", null}, {"last", "qty", null}, {"first", "merchant", null}, {"last", "merchant", "flag"},
                {"last_n", "merchant", null}, {"last_n", "amount", null}, {"count_distinct", "merchant", null},
                {"count_distinct", "qty", null}, {"approx_count_distinct", "merchant", null},
                {"approx_percentile", "amount", null}, {"top_k", "merchant", null},
        };
        List<AggregationSpec> specs = new ArrayList<>();
        List<WindowSpec> windows = everyWindowKind();
        for (int w = 0; w < windows.size(); w++) {
            for (String[] c : combos) {
                AggregationFunction fn = AggregationFunction.parse(c[0]).orElseThrow();
                String name = c[0] + "_" + (c[1] == null ? "events" : c[1]) + (c[2] == null ? "" : "_" + c[2]) + "_w" + w;
                specs.add(new AggregationSpec(name, fn, c[1], windows.get(w), c[2], params, ""));
            }
        }
        return specs;
    }

    /** {@link #everyFunctionAndWindow} with last_n 3, top_k 5, percentile 0.9 at relative accuracy 0.01, HLL lg_k 12. */
    public static List<AggregationSpec> everyFunctionAndWindow() {
        return everyFunctionAndWindow(new AggregationParams(3, 0, 0.9, 12, 0.01));
    }

    public static long eventTime(TestEvent e) {
        return (Long) e.get(TestStreams.EVENT_TIME);
    }

    /** First read time at which DESIGN §3 lets the event count: max(available_at, event_time + 1). */
    public static long effective(TestEvent e) {
        long et = eventTime(e);
        return Math.max(e.arrival(), et == Long.MAX_VALUE ? et : et + 1);
    }

    /**
     * Drops late events (in arrival order, one partition) and sorts the rest by (effective time, seq).
     * Events at {@code Long.MAX_VALUE} are left out: the driver holds them forever (no clock passes them).
     */
    public static List<TestEvent> applicationOrder(List<TestEvent> arrivals, long lateness) {
        WatermarkTracker wm = new WatermarkTracker(lateness, 1);
        List<TestEvent> accepted = new ArrayList<>();
        for (TestEvent e : arrivals) {
            if (wm.offer(0, eventTime(e)) && eventTime(e) != Long.MAX_VALUE) {
                accepted.add(e);
            }
        }
        accepted.sort(Comparator.comparingLong(EngineFixtures::effective).thenComparingLong(TestEvent::seq));
        return accepted;
    }

    /** A table that applied the accepted events of a stream in application order. */
    public static TileTable replay(CompiledView view, List<TestEvent> arrivals) {
        TileTable table = new TileTable(view, 8);
        TestRow row = new TestRow(null);
        for (TestEvent e : applicationOrder(arrivals, view.allowedLateness())) {
            table.apply(row.reset(e.values()), e.seq());
        }
        return table;
    }

    /** The keys of a stream plus one never seen. */
    public static List<Object> keys(List<TestEvent> events) {
        List<Object> keys = new ArrayList<>();
        for (TestEvent e : events) {
            Object k = e.get(TestStreams.CARD);
            if (k != null && !keys.contains(k)) {
                keys.add(k);
            }
        }
        keys.add("card-never-seen");
        return keys;
    }

    /** Read times after every event of the stream (a table is exact there): just after, and decaying. */
    public static List<Long> timesAfter(List<TestEvent> events) {
        long max = Long.MIN_VALUE;
        for (TestEvent e : events) {
            max = Math.max(max, Math.max(eventTime(e), e.arrival()));
        }
        List<Long> times = new ArrayList<>();
        for (long after : new long[] {1, 700, 1_499, 1_501, 2_999, 3_001, 6_500, 9_999, 10_001, 1_000_000}) {
            times.add(max + after);
        }
        return times;
    }

    /** Every feature of every key at every time, one line each, rendered exactly (doubles round-trip). */
    public static String renderReads(TileTable table, List<?> keys, List<Long> times) {
        CompiledView view = table.view();
        FeatureVector out = new FeatureVector(view.features().size());
        TileTable.Reader reader = table.newReader();
        StringBuilder sb = new StringBuilder();
        for (Object key : keys) {
            for (long t : times) {
                table.read(key, t, out, reader);
                for (int i = 0; i < out.size(); i++) {
                    sb.append(key).append(" @ ").append(t).append(' ').append(view.features().get(i).name()).append(" = ")
                            .append(out.status(i)).append(' ').append(render(out.value(i)))
                            .append(" ts=").append(out.eventTime(i)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    static String render(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> '"' + s + '"';
            case Double d -> d + "d";
            case List<?> l -> {
                List<String> parts = new ArrayList<>();
                for (Object o : l) {
                    parts.add(render(o));
                }
                yield parts.toString();
            }
            default -> v.toString();
        };
    }
}
