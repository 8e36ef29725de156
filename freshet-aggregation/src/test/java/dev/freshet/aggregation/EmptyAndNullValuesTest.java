package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.state.ApplyOutcome;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.Quantiles;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * DESIGN §3 "Empty windows" and null handling: counting functions read 0, the others NOT_FOUND
 * (no event) or NULL_VALUE (events but no usable value) — never a fake 0.
 */
class EmptyAndNullValuesTest {
    /** Functions whose empty window reads 0 (PRESENT). */
    private static final Set<String> ZERO_WHEN_EMPTY = Set.of("count", "sum", "sum_qty", "count_distinct", "approx_count_distinct");

    /** One feature per function (named after it), all over the same window. */
    private static AggregationSpec[] everyFunction(WindowSpec w) {
        AggregationParams three = new AggregationParams(3, 0, 0.5, 12, 0.01);
        List<AggregationSpec> specs = new ArrayList<>();
        specs.add(agg("count", AggregationFunction.COUNT, null, w));
        specs.add(agg("sum", AggregationFunction.SUM, "amount", w));
        specs.add(agg("sum_qty", AggregationFunction.SUM, "qty", w));
        specs.add(agg("avg", AggregationFunction.AVG, "amount", w));
        specs.add(agg("min", AggregationFunction.MIN, "amount", w));
        specs.add(agg("max", AggregationFunction.MAX, "qty", w));
        specs.add(agg("stddev", AggregationFunction.STDDEV, "amount", w));
        specs.add(agg("variance", AggregationFunction.VARIANCE, "amount", w));
        specs.add(agg("stddev_pop", AggregationFunction.STDDEV_POP, "amount", w));
        specs.add(agg("variance_pop", AggregationFunction.VARIANCE_POP, "amount", w));
        specs.add(agg("first", AggregationFunction.FIRST, "amount", w));
        specs.add(agg("last", AggregationFunction.LAST, "merchant", w));
        specs.add(agg("last_n", AggregationFunction.LAST_N, "amount", w, null, three));
        specs.add(agg("count_distinct", AggregationFunction.COUNT_DISTINCT, "merchant", w));
        specs.add(agg("approx_count_distinct", AggregationFunction.APPROX_COUNT_DISTINCT, "merchant", w));
        specs.add(agg("approx_percentile", AggregationFunction.APPROX_PERCENTILE, "amount", w));
        specs.add(agg("top_k", AggregationFunction.TOP_K, "merchant", w));
        return specs.toArray(new AggregationSpec[0]);
    }

    private static List<WindowSpec> everyWindowKind() {
        return List.of(hopping(10_000, 1_000), hopping(10_000, 1), ViewFixture.tumbling(10_000), session(5_000), lifetime());
    }

    private static void assertEmptyWindow(ViewFixture f, Object key, long t) {
        FeatureVector v = f.read(key, t);
        List<Executable> checks = new ArrayList<>();
        for (String name : f.view.featureNames()) {
            int i = f.index(name);
            String what = name + " of " + key + " at " + t;
            if (ZERO_WHEN_EMPTY.contains(name)) {
                checks.add(() -> assertEquals(Status.PRESENT, v.status(i), what));
                checks.add(() -> assertEquals(0.0, ((Number) v.value(i)).doubleValue(), what));
            } else {
                checks.add(() -> assertEquals(Status.NOT_FOUND, v.status(i), what));
                checks.add(() -> assertNull(v.value(i), what));
            }
            checks.add(() -> assertEquals(FeatureVector.NO_TIMESTAMP, v.eventTime(i), what + " timestamp"));
        }
        assertAll(checks);
    }

    @Test
    void emptyWindowReadsZeroForCountingFunctionsAndNotFoundForTheRest() {
        for (WindowSpec w : everyWindowKind()) {
            ViewFixture f = ViewFixture.of(everyFunction(w));
            assertEmptyWindow(f, "never-seen", 1_000);
            assertEmptyWindow(f, "c", 1_000);
            f.apply(txn("c", 1_000, "m1", 5.0, 3L, true));
            assertEmptyWindow(f, "never-seen", 1_001);
            if (!(w instanceof WindowSpec.Lifetime)) {
                assertEmptyWindow(f, "c", 1_000_000_000L);
            }
        }
    }

    @Test
    void unknownKeyReadsAsAnEmptyWindowAndIsReportedUnknown() {
        ViewFixture f = ViewFixture.of(everyFunction(hopping(10_000, 1_000)));
        f.apply(txn("known", 1_000, 1.0));
        FeatureVector out = new FeatureVector(f.view.features().size());
        assertTrue(f.table.read("known", 2_000, out, f.table.newReader()));
        assertFalse(f.table.read("unknown", 2_000, out, f.table.newReader()));
        assertEquals(1, f.table.keyCount(), "reading does not create entities");
        assertEmptyWindow(f, "unknown", 2_000);
    }

    @Test
    void windowWhoseInputsAreAllNullReadsNullValue() {
        for (WindowSpec w : everyWindowKind()) {
            ViewFixture f = ViewFixture.of(everyFunction(w));
            f.apply(txn("c", 1_000, null, null, null, true));
            f.apply(txn("c", 1_500, null, null, null, false));
            FeatureVector v = f.read("c", 2_000);
            List<Executable> checks = new ArrayList<>();
            for (String name : f.view.featureNames()) {
                int i = f.index(name);
                String what = name + " over " + w;
                if (name.equals("count")) {
                    checks.add(() -> assertEquals(2L, v.value(i), what));
                } else if (ZERO_WHEN_EMPTY.contains(name)) {
                    checks.add(() -> assertEquals(Status.PRESENT, v.status(i), what));
                    checks.add(() -> assertEquals(0.0, ((Number) v.value(i)).doubleValue(), what));
                } else {
                    checks.add(() -> assertEquals(Status.NULL_VALUE, v.status(i), what));
                }
                checks.add(() -> assertEquals(1_500, v.eventTime(i), what + " timestamp = latest event in the window"));
            }
            assertAll(checks);
        }
    }

    @Test
    void windowWhoseEventsAreAllFilteredOutReadsNullValue() {
        ViewFixture f = ViewFixture.of(
                agg("n", AggregationFunction.COUNT, null, hopping(10_000, 1_000), "flag", null),
                agg("avg", AggregationFunction.AVG, "amount", hopping(10_000, 1_000), "flag", null),
                agg("last", AggregationFunction.LAST, "merchant", hopping(10_000, 1_000), "flag", null));
        f.apply(txn("c", 1_000, "m", 4.0, 1L, false));
        FeatureVector v = f.read("c", 2_000);
        assertEquals(0L, v.value(f.index("n")));
        assertEquals(Status.NULL_VALUE, v.status(f.index("avg")));
        assertEquals(Status.NULL_VALUE, v.status(f.index("last")));
        assertEquals(1_000, v.eventTime(f.index("avg")));
        f.apply(txn("c", 1_200, "m2", 6.0, 1L, true));
        v = f.read("c", 2_000);
        assertEquals(1L, v.value(f.index("n")));
        assertEquals(6.0, v.value(f.index("avg")));
        assertEquals("m2", v.value(f.index("last")));
    }

    @Test
    void sampleStddevOfOneValueIsNullValueWhilePopulationStddevIsZero() {
        ViewFixture f = ViewFixture.of(everyFunction(hopping(10_000, 1_000)));
        f.apply(txn("c", 1_000, "m", 5.0, 2L, true));
        FeatureVector v = f.read("c", 2_000);
        assertAll(
                () -> assertEquals(Status.NULL_VALUE, v.status(f.index("stddev"))),
                () -> assertEquals(Status.NULL_VALUE, v.status(f.index("variance"))),
                () -> assertEquals(0.0, v.value(f.index("stddev_pop"))),
                () -> assertEquals(0.0, v.value(f.index("variance_pop"))),
                () -> assertEquals(5.0, v.value(f.index("avg"))));
        f.apply(txn("c", 1_100, "m", 7.0, 2L, true));
        FeatureVector w = f.read("c", 2_000);
        assertEquals(Math.sqrt(2.0), (Double) w.value(f.index("stddev")), 1e-12);
        assertEquals(2.0, (Double) w.value(f.index("variance")), 1e-12);
        assertEquals(1.0, (Double) w.value(f.index("stddev_pop")), 1e-12);
    }

    @Test
    void nullJoinKeyIsRejectedWithoutCreatingAnEntity() {
        ViewFixture f = ViewFixture.of(everyFunction(hopping(10_000, 1_000)));
        assertEquals(ApplyOutcome.NULL_KEY, f.apply(txn(null, 1_000, 1.0)));
        assertEquals(0, f.table.keyCount());
    }

    @Test
    void nullEventTimeIsRejectedWithoutCreatingAnEntity() {
        ViewFixture f = ViewFixture.of(everyFunction(hopping(10_000, 1_000)));
        Object[] row = txn("c", 0, 1.0);
        row[TestStreams.EVENT_TIME] = null;
        assertEquals(ApplyOutcome.NULL_EVENT_TIME, f.apply(row));
        assertEquals(0, f.table.keyCount());
        assertEquals(ApplyOutcome.APPLIED, f.apply(txn("c", 0, 1.0)));
        assertEquals(1, f.table.keyCount());
    }

    @Test
    void nullInputIsCountedByCountButIgnoredByEveryOtherFunction() {
        for (WindowSpec w : everyWindowKind()) {
            ViewFixture f = ViewFixture.of(everyFunction(w));
            f.apply(txn("c", 1_000, "a", 1.0, 1L, true));
            f.apply(txn("c", 2_000, null, null, null, true));
            f.apply(txn("c", 3_000, "b", 3.0, 5L, true));
            f.apply(txn("c", 4_000, null, null, null, true));
            FeatureVector v = f.read("c", 4_001);
            String where = " over " + w;
            assertAll(
                    () -> assertEquals(4L, v.value(f.index("count")), "count" + where),
                    () -> assertEquals(4.0, v.value(f.index("sum")), "sum" + where),
                    () -> assertEquals(6L, v.value(f.index("sum_qty")), "sum_qty" + where),
                    () -> assertEquals(2.0, v.value(f.index("avg")), "avg" + where),
                    () -> assertEquals(1.0, v.value(f.index("min")), "min" + where),
                    () -> assertEquals(5L, v.value(f.index("max")), "max" + where),
                    () -> assertEquals(Math.sqrt(2.0), (Double) v.value(f.index("stddev")), 1e-12, "stddev" + where),
                    () -> assertEquals(1.0, v.value(f.index("first")), "first" + where),
                    () -> assertEquals(1_000, v.eventTime(f.index("first")), "first's timestamp" + where),
                    () -> assertEquals("b", v.value(f.index("last")), "last skips the trailing null" + where),
                    () -> assertEquals(3_000, v.eventTime(f.index("last")), "last's timestamp" + where),
                    () -> assertEquals(List.of(3.0, 1.0), v.value(f.index("last_n")), "last_n" + where),
                    () -> assertEquals(3_000, v.eventTime(f.index("last_n")), "last_n's timestamp" + where),
                    () -> assertEquals(2L, v.value(f.index("count_distinct")), "count_distinct" + where),
                    () -> assertEquals(2L, v.value(f.index("approx_count_distinct")), "approx_count_distinct" + where),
                    () -> assertTrue(Quantiles.withinRelativeAccuracy(1.0, (Double) v.value(f.index("approx_percentile")),
                            0.01), "lower median of {1, 3}, within 1%" + where),
                    () -> assertEquals(List.of("a", "b"), v.value(f.index("top_k")), "top_k" + where),
                    () -> assertEquals(4_000, v.eventTime(f.index("count")), "count's timestamp" + where),
                    () -> assertEquals(4_000, v.eventTime(f.index("avg")), "avg's timestamp" + where));
        }
    }

    @Test
    void notANumberInputIsTreatedAsNull() {
        ViewFixture f = ViewFixture.of(everyFunction(hopping(10_000, 1_000)));
        f.apply(txn("c", 1_000, 2.0));
        f.apply(txn("c", 1_100, Double.NaN));
        FeatureVector v = f.read("c", 2_000);
        assertAll(
                () -> assertEquals(2L, v.value(f.index("count"))),
                () -> assertEquals(2.0, v.value(f.index("sum"))),
                () -> assertEquals(2.0, v.value(f.index("avg"))),
                () -> assertEquals(2.0, v.value(f.index("min"))),
                () -> assertEquals(List.of(2.0), v.value(f.index("last_n"))),
                () -> assertTrue(Quantiles.withinRelativeAccuracy(2.0, (Double) v.value(f.index("approx_percentile")),
                        0.01), "within 1%"));
    }
}
