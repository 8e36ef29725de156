package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Order among events and the timestamps reported with values (DESIGN §3): events with the same
 * event time are ordered by arrival seq; a value carries the latest event time in its window, and
 * first/last/last_n the chosen event's own time.
 */
class ArrivalOrderAndTimestampTest {
    private static final AggregationParams THREE = new AggregationParams(3, 0, 0.5, 12, 0.01);

    private static List<WindowSpec> kinds() {
        return List.of(hopping(10_000, 1_000), hopping(10_000, 1), session(5_000), lifetime());
    }

    private static ViewFixture orderSensitive(WindowSpec w) {
        List<AggregationSpec> specs = new ArrayList<>();
        specs.add(agg("first", AggregationFunction.FIRST, "amount", w));
        specs.add(agg("last", AggregationFunction.LAST, "amount", w));
        specs.add(agg("first_qty", AggregationFunction.FIRST, "qty", w));
        specs.add(agg("last_qty", AggregationFunction.LAST, "qty", w));
        specs.add(agg("first_merchant", AggregationFunction.FIRST, "merchant", w));
        specs.add(agg("last_merchant", AggregationFunction.LAST, "merchant", w));
        specs.add(agg("last_n", AggregationFunction.LAST_N, "merchant", w, null, THREE));
        specs.add(agg("n", AggregationFunction.COUNT, null, w));
        specs.add(agg("max", AggregationFunction.MAX, "amount", w));
        return ViewFixture.of(specs.toArray(new AggregationSpec[0]));
    }

    @Test
    void firstLastAndLastNBreakEventTimeTiesByArrivalSeq() {
        for (WindowSpec w : kinds()) {
            ViewFixture f = orderSensitive(w);
            // Same event time; applied out of seq order: seq, not application order, decides.
            f.apply(txn("c", 1_000, "b", 2.0, 20L, true), 11);
            f.apply(txn("c", 1_000, "c", 3.0, 30L, true), 12);
            f.apply(txn("c", 1_000, "a", 1.0, 10L, true), 10);
            f.apply(txn("c", 1_000, "d", 4.0, 40L, true), 13);
            FeatureVector v = f.read("c", 1_001);
            String where = " over " + w;
            assertAll(
                    () -> assertEquals(1.0, v.value(f.index("first")), "first" + where),
                    () -> assertEquals(4.0, v.value(f.index("last")), "last" + where),
                    () -> assertEquals(10L, v.value(f.index("first_qty")), "first_qty" + where),
                    () -> assertEquals(40L, v.value(f.index("last_qty")), "last_qty" + where),
                    () -> assertEquals("a", v.value(f.index("first_merchant")), "first_merchant" + where),
                    () -> assertEquals("d", v.value(f.index("last_merchant")), "last_merchant" + where),
                    () -> assertEquals(List.of("d", "c", "b"), v.value(f.index("last_n")), "last_n" + where));
        }
    }

    @Test
    void eventTimeOrdersBeforeArrivalSeq() {
        for (WindowSpec w : kinds()) {
            ViewFixture f = orderSensitive(w);
            f.apply(txn("c", 2_000, "late-arrival-early-time", 1.0, 1L, true), 50);
            f.apply(txn("c", 2_500, "early-arrival-late-time", 2.0, 2L, true), 1);
            f.apply(txn("c", 1_500, "earliest", 3.0, 3L, true), 99);
            FeatureVector v = f.read("c", 3_000);
            String where = " over " + w;
            assertAll(
                    () -> assertEquals("earliest", v.value(f.index("first_merchant")), where),
                    () -> assertEquals(1_500, v.eventTime(f.index("first_merchant")), where),
                    () -> assertEquals("early-arrival-late-time", v.value(f.index("last_merchant")), where),
                    () -> assertEquals(2_500, v.eventTime(f.index("last_merchant")), where),
                    () -> assertEquals(List.of("early-arrival-late-time", "late-arrival-early-time", "earliest"),
                            v.value(f.index("last_n")), where));
        }
    }

    @Test
    void valuesCarryTheLatestEventTimeOfTheirWindow() {
        ViewFixture f = orderSensitive(hopping(10_000, 1_000));
        f.apply(txn("c", 1_000, "m1", 1.0, 1L, true));
        f.apply(txn("c", 5_000, "m5", 5.0, 5L, true));
        f.apply(txn("c", 9_000, null, null, null, true)); // no input value, but an event of the window
        f.apply(txn("c", 4_000, "m4", 9.0, 4L, true)); // out of order
        FeatureVector v = f.read("c", 9_001);
        assertAll(
                () -> assertEquals(4L, v.value(f.index("n"))),
                () -> assertEquals(9_000, v.eventTime(f.index("n"))),
                () -> assertEquals(9.0, v.value(f.index("max"))),
                () -> assertEquals(9_000, v.eventTime(f.index("max")), "window timestamp, not the max's own"),
                () -> assertEquals(1.0, v.value(f.index("first"))),
                () -> assertEquals(1_000, v.eventTime(f.index("first")), "the chosen event's time"),
                () -> assertEquals(5.0, v.value(f.index("last"))),
                () -> assertEquals(5_000, v.eventTime(f.index("last")), "the chosen event's time"),
                () -> assertEquals(List.of("m5", "m4", "m1"), v.value(f.index("last_n"))),
                () -> assertEquals(5_000, v.eventTime(f.index("last_n")), "the newest listed value's time"));
        // t = 12_500: lo = 3000; the event at 1000 has left the window.
        FeatureVector w = f.read("c", 12_500);
        assertAll(
                () -> assertEquals(3L, w.value(f.index("n"))),
                () -> assertEquals(9.0, w.value(f.index("first"))),
                () -> assertEquals(4_000, w.eventTime(f.index("first"))),
                () -> assertEquals(List.of("m5", "m4"), w.value(f.index("last_n"))),
                () -> assertEquals(9_000, w.eventTime(f.index("n"))));
        // t = 19_001: lo = 10000; nothing left.
        assertEquals(FeatureVector.NO_TIMESTAMP, f.eventTime("c", 19_001, "n"));
    }

    @Test
    void firstAndLastAcrossTilesFollowEventTimeNotSeq() {
        ViewFixture f = orderSensitive(hopping(10_000, 1_000));
        f.apply(txn("c", 1_500, "old", 1.0, 1L, true), 9);
        f.apply(txn("c", 7_500, "new", 2.0, 2L, true), 1);
        FeatureVector v = f.read("c", 8_000);
        assertEquals("old", v.value(f.index("first_merchant")));
        assertEquals("new", v.value(f.index("last_merchant")));
        assertEquals(List.of("new", "old"), v.value(f.index("last_n")));
    }
}
