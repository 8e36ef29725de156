package dev.freshet.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.FeatureRepository;
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
import dev.freshet.testkit.Expected;
import dev.freshet.testkit.OracleFeature;
import dev.freshet.testkit.Quantiles;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Repositories, batches and comparisons shared by the embedded-engine tests (over {@link TestStreams#SCHEMA}). */
public final class EmbeddedFixtures {
    public static final String SOURCE = "txn";
    public static final String VIEW = "card_txn";
    public static final long LATENESS = 10_000;
    public static final long SKEW = 60_000;
    public static final EntitySpec CARD = new EntitySpec("card", List.of(Field.required("card_id", FieldType.STRING)), "");

    private EmbeddedFixtures() {
    }

    /** A feature for the engine and its description for the brute-force oracle. */
    public record Case(AggregationSpec spec, OracleFeature oracle) {
    }

    public static SourceSpec source(String name, long latenessMs, long skewMs) {
        return new SourceSpec(name, SourceKind.STREAM, TestStreams.SCHEMA, "event_time", Duration.ofMillis(latenessMs), null,
                Duration.ofMillis(skewMs), null, "");
    }

    /** Functions over every window kind (dense hopping, exact sliding, tumbling, session, lifetime). */
    public static List<Case> cases() {
        String[][] combos = {
                {"count", null, null}, {"count", null, "flag"}, {"sum", "qty", null}, {"sum", "amount", null},
                {"avg", "amount", "flag"}, {"min", "qty", null}, {"max", "amount", null}, {"stddev", "amount", null},
                {"first", "merchant", null}, {"last", "qty", null}, {"last_n", "merchant", null},
                {"count_distinct", "merchant", null}, {"approx_count_distinct", "merchant", null},
                {"approx_percentile", "amount", null}, {"top_k", "merchant", null},
        };
        Object[][] windows = {
                {new WindowSpec.Hopping(Duration.ofSeconds(10), Duration.ofSeconds(1)), "hopping", 10_000L, 1_000L},
                {new WindowSpec.Hopping(Duration.ofSeconds(3), Duration.ofMillis(1)), "hopping", 3_000L, 1L},
                {new WindowSpec.Tumbling(Duration.ofSeconds(7)), "hopping", 7_000L, 7_000L},
                {new WindowSpec.Session(Duration.ofMillis(1_500)), "session", 1_500L, 0L},
                {new WindowSpec.Lifetime(), "lifetime", 0L, 0L},
        };
        List<Case> cases = new ArrayList<>();
        for (int w = 0; w < windows.length; w++) {
            for (String[] c : combos) {
                AggregationFunction fn = AggregationFunction.parse(c[0]).orElseThrow();
                String name = c[0] + "_" + (c[1] == null ? "events" : c[1]) + (c[2] == null ? "" : "_" + c[2]) + "_w" + w;
                AggregationParams params = new AggregationParams(3, fn == AggregationFunction.TOP_K ? 2 : 0, 0.9, 12, 0.01);
                int input = c[1] == null ? -1 : TestStreams.SCHEMA.indexOf(c[1]);
                cases.add(new Case(new AggregationSpec(name, fn, c[1], (WindowSpec) windows[w][0], c[2], params, ""),
                        new OracleFeature(c[0], (String) windows[w][1], (Long) windows[w][2], (Long) windows[w][3], input,
                                c[2] == null ? -1 : TestStreams.FLAG, "qty".equals(c[1]), 3, 2, 0.9)));
            }
        }
        return cases;
    }

    public static List<AggregationSpec> specs(List<Case> cases) {
        return cases.stream().map(Case::spec).toList();
    }

    /** One source {@value #SOURCE} with one view {@value #VIEW} of these features. */
    public static FeatureRepository repo(List<AggregationSpec> features) {
        return repo(features, LATENESS, SKEW);
    }

    public static FeatureRepository repo(List<AggregationSpec> features, long latenessMs, long skewMs) {
        return FeatureRepository.builder()
                .entity(CARD)
                .source(source(SOURCE, latenessMs, skewMs))
                .featureView(new FeatureViewSpec(VIEW, "card", SOURCE, features, null, null, Map.of(), ""))
                .build();
    }

    public static AggregationSpec count(String name, WindowSpec window) {
        return new AggregationSpec(name, AggregationFunction.COUNT, null, window, null, null, "");
    }

    public static AggregationSpec sum(String name, String input, WindowSpec window) {
        return new AggregationSpec(name, AggregationFunction.SUM, input, window, null, null, "");
    }

    /** A batch holding these events' values. */
    public static EventBatch batch(List<TestEvent> events) {
        EventBatch b = new EventBatch(TestStreams.SCHEMA, Math.max(1, events.size()));
        for (TestEvent e : events) {
            int r = b.addRow();
            for (int f = 0; f < TestStreams.SCHEMA.size(); f++) {
                b.setObject(r, f, e.get(f));
            }
        }
        return b;
    }

    /** One event of {@link TestStreams#SCHEMA}. */
    public static TestEvent event(String card, long eventTime, Long qty) {
        Object[] v = new Object[TestStreams.SCHEMA.size()];
        v[TestStreams.CARD] = card;
        v[TestStreams.QTY] = qty;
        v[TestStreams.FLAG] = Boolean.TRUE;
        v[TestStreams.EVENT_TIME] = eventTime;
        return new TestEvent(0, 0, v);
    }

    /** Splits an arrival-ordered stream into consecutive batches of seeded sizes in [1, maxSize]. */
    public static List<List<TestEvent>> batches(List<TestEvent> events, long seed, int maxSize) {
        SplittableRandom r = new SplittableRandom(seed ^ 0xBA7C4L);
        List<List<TestEvent>> out = new ArrayList<>();
        int i = 0;
        while (i < events.size()) {
            int n = Math.min(events.size() - i, 1 + r.nextInt(maxSize));
            out.add(events.subList(i, i + n));
            i += n;
        }
        return out;
    }

    /** The accept time a batch gets with a manual clock set to its last arrival. */
    public static long acceptTime(List<TestEvent> batch) {
        return batch.getLast().arrival();
    }

    /** Every feature of {@code view} for each key at each time, one line each, exactly. */
    public static String renderReads(EmbeddedEngine engine, String view, List<?> keys, List<Long> times) {
        CompiledView v = engine.view(view);
        FeatureVector out = new FeatureVector(v.features().size());
        StringBuilder sb = new StringBuilder();
        for (Object key : keys) {
            for (long t : times) {
                engine.read(view, key, t, out);
                for (int i = 0; i < out.size(); i++) {
                    Object value = out.value(i);
                    sb.append(key).append(" @ ").append(t).append(' ').append(v.features().get(i).name()).append(" = ")
                            .append(out.status(i)).append(' ')
                            .append(value instanceof Double d ? Double.doubleToRawLongBits(d) + "d" : String.valueOf(value))
                            .append(" ts=").append(out.eventTime(i)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** The distinct keys of a stream plus one never seen. */
    public static List<Object> keys(List<TestEvent> events) {
        List<Object> keys = new ArrayList<>();
        for (TestEvent e : events) {
            if (!keys.contains(e.get(TestStreams.CARD))) {
                keys.add(e.get(TestStreams.CARD));
            }
        }
        keys.add("card-never-seen");
        return keys;
    }

    /** Compares a read value with the oracle: exact, except float sums/moments (1e-9) and the sketches. */
    public static void compare(Case c, Expected want, FeatureVector out, int i, String where) {
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
            case APPROX_PERCENTILE -> assertTrue(Quantiles.withinRelativeAccuracy((Double) exp, (Double) got, 0.01),
                    what + " percentile " + got + " vs exact " + exp);
            default -> {
                if (exp instanceof Double d) {
                    double g = ((Number) got).doubleValue();
                    if (Math.abs(g - d) > 1e-9 * Math.max(1.0, Math.abs(d))) {
                        fail(what + " expected " + d + " got " + g);
                    }
                } else {
                    assertEquals(exp, got, what);
                }
            }
        }
    }
}
