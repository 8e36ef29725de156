package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static dev.freshet.aggregation.ViewFixture.tumbling;
import static dev.freshet.aggregation.ViewFixture.txn;
import static dev.freshet.model.spec.AggregationFunction.AVG;
import static dev.freshet.model.spec.AggregationFunction.COUNT;
import static dev.freshet.model.spec.AggregationFunction.SUM;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.plan.FeatureDef;
import dev.freshet.model.spec.WindowSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where windows start and end (DESIGN §3: {@code [ceil(t/H)*H - W, t)}), for every window kind. */
class WindowBoundaryTest {

    /** One count per storage shape: dense ring, sparse exact sliding, tumbling, session, lifetime. */
    private static ViewFixture countsOfEveryKind() {
        return ViewFixture.of(
                agg("dense", COUNT, null, hopping(10_000, 1_000)),
                agg("sliding", COUNT, null, hopping(10_000, 1)),
                agg("tumbling", COUNT, null, tumbling(10_000)),
                agg("session", COUNT, null, session(5_000)),
                agg("lifetime", COUNT, null, lifetime()),
                agg("avg_dense", AVG, "amount", hopping(10_000, 1_000)));
    }

    private static void assertCounts(ViewFixture f, long t, long dense, long sliding, long tumbling, long session, long lifetime) {
        FeatureVector v = f.read("c", t);
        assertAll("counts at t=" + t,
                () -> assertEquals(dense, v.getLong(f.index("dense")), "dense"),
                () -> assertEquals(sliding, v.getLong(f.index("sliding")), "sliding"),
                () -> assertEquals(tumbling, v.getLong(f.index("tumbling")), "tumbling"),
                () -> assertEquals(session, v.getLong(f.index("session")), "session"),
                () -> assertEquals(lifetime, v.getLong(f.index("lifetime")), "lifetime"));
    }

    /**
     * Drivers apply an event only for reads after its event time (its effective time is
     * max(available_at, event_time + 1)); the table then counts events before {@code t} and not the
     * one at {@code t}, both on a hop boundary and inside a hop.
     */
    @Test
    void eventAtExactlyTheReadTimeIsExcludedAndCountsOneMillisecondLater() {
        ViewFixture f = countsOfEveryKind();
        f.apply(txn("c", 4_999, 2.0));
        assertCounts(f, 5_000, 1, 1, 1, 1, 1);
        assertEquals(2.0, f.value("c", 5_000, "avg_dense"));
        f.apply(txn("c", 5_000, 4.0));
        assertCounts(f, 5_001, 2, 2, 2, 2, 2);
        assertEquals(3.0, f.value("c", 5_001, "avg_dense"));
        f.apply(txn("c", 5_499, 6.0));
        assertCounts(f, 5_500, 3, 3, 3, 3, 3);
        f.apply(txn("c", 5_500, 8.0));
        assertCounts(f, 5_501, 4, 4, 4, 4, 4);
        assertEquals(5.0, f.value("c", 5_501, "avg_dense"));
        assertEquals(5_500, f.eventTime("c", 5_501, "dense"));
    }

    @Test
    void readBeforeAnyEventOfTheKeyIsEmptyForEveryKind() {
        ViewFixture f = countsOfEveryKind();
        assertCounts(f, 5_000, 0, 0, 0, 0, 0);
        assertEquals(Status.NOT_FOUND, f.status("c", 5_000, "avg_dense"));
    }

    @Test
    void windowedCountDecaysToZeroWithoutNewEvents() {
        ViewFixture f = countsOfEveryKind();
        f.apply(txn("c", 1_000, 1.0));
        f.apply(txn("c", 2_000, 2.0));
        f.apply(txn("c", 3_000, 3.0));
        assertCounts(f, 3_001, 3, 3, 3, 3, 3);
        // Dense: lo = ceil(t/1s)*1s - 10s. Sliding: lo = t - 10s. Tumbling: lo = ceil(t/10s)*10s - 10s.
        assertCounts(f, 8_000, 3, 3, 3, 3, 3);
        assertCounts(f, 8_001, 3, 3, 3, 0, 3);
        assertCounts(f, 10_000, 3, 3, 3, 0, 3);
        assertCounts(f, 10_001, 3, 3, 0, 0, 3);
        assertCounts(f, 11_001, 2, 2, 0, 0, 3);
        assertCounts(f, 12_001, 1, 1, 0, 0, 3);
        assertCounts(f, 13_000, 1, 1, 0, 0, 3);
        assertCounts(f, 13_001, 0, 0, 0, 0, 3);
        assertCounts(f, 1_000_000_000_000L, 0, 0, 0, 0, 3);
        assertEquals(Status.NOT_FOUND, f.status("c", 1_000_000_000_000L, "avg_dense"));
        assertEquals(FeatureVector.NO_TIMESTAMP, f.eventTime("c", 1_000_000_000_000L, "dense"));
    }

    /**
     * DESIGN §3: a session is a run of events "each within G of the previous one", kept while its
     * last event is at or after {@code t - G}: an event exactly G after the previous one continues
     * the session, one G + 1 ms after it starts a new one.
     */
    @Test
    void anEventExactlyTheGapAfterThePreviousOneContinuesTheSession() {
        ViewFixture f = ViewFixture.of(agg("session", COUNT, null, session(5_000)));
        f.apply(txn("c", 1_000, 1.0));
        f.apply(txn("c", 6_000, 1.0));
        assertEquals(2L, f.value("c", 11_000, "session"));
        assertEquals(0L, f.value("c", 11_001, "session"));
        f.apply(txn("c", 11_001, 1.0));
        assertEquals(1L, f.value("c", 11_002, "session"));
    }

    @Test
    void hoppingWindowStartsAtTheHopAlignedBoundBeforeTheReadTime() {
        ViewFixture f = ViewFixture.of(agg("n", COUNT, null, hopping(10_000, 1_000)));
        f.apply(txn("c", 999, 1.0));
        f.apply(txn("c", 1_000, 1.0));
        assertEquals(2L, f.value("c", 10_000, "n"), "t=10000: lo=0");
        assertEquals(1L, f.value("c", 10_001, "n"), "t=10001: lo=1000, 999 is out");
        assertEquals(1L, f.value("c", 10_500, "n"), "t=10500: lo=1000");
        assertEquals(1L, f.value("c", 11_000, "n"), "t=11000: lo=1000");
        assertEquals(0L, f.value("c", 11_001, "n"), "t=11001: lo=2000");
    }

    @Test
    void windowsOfDifferentSizesSharingAHopEachReadTheirOwnTiles() {
        ViewFixture f = ViewFixture.of(
                agg("n10", COUNT, null, hopping(10_000, 1_000)),
                agg("n3", COUNT, null, hopping(3_000, 1_000)),
                agg("s3", SUM, "amount", hopping(3_000, 1_000)));
        for (long t = 1_000; t <= 9_000; t += 1_000) {
            f.apply(txn("c", t, (double) t));
        }
        assertEquals(9L, f.value("c", 9_001, "n10"));
        assertEquals(3L, f.value("c", 9_001, "n3"), "lo = 10000 - 3000");
        assertEquals(24_000.0, f.value("c", 9_001, "s3"));
        assertEquals(2L, f.value("c", 10_001, "n3"));
        assertEquals(8L, f.value("c", 11_001, "n10"));
    }

    @Test
    void tumblingWindowCoversTheCurrentPeriodOrTheWholePreviousOneOnABoundary() {
        ViewFixture f = ViewFixture.of(agg("n", COUNT, null, tumbling(1_000)), agg("s", SUM, "amount", tumbling(1_000)));
        f.apply(txn("c", 0, 1.0));
        f.apply(txn("c", 500, 2.0));
        f.apply(txn("c", 999, 4.0));
        assertEquals(3L, f.value("c", 1_000, "n"), "t on a boundary reads [0, 1000)");
        assertEquals(7.0, f.value("c", 1_000, "s"));
        f.apply(txn("c", 1_000, 8.0));
        assertEquals(1L, f.value("c", 1_001, "n"), "t just past a boundary reads [1000, t)");
        assertEquals(8.0, f.value("c", 1_001, "s"));
        assertEquals(1L, f.value("c", 2_000, "n"));
        assertEquals(0L, f.value("c", 2_001, "n"));
        assertEquals(0.0, f.value("c", 2_001, "s"));
    }

    @Test
    void tumblingWindowsWorkForNegativeTimestamps() {
        ViewFixture f = ViewFixture.of(agg("n", COUNT, null, tumbling(1_000)));
        f.apply(txn("c", -1_001, 1.0));
        assertEquals(1L, f.value("c", -1_000, "n"), "[-2000, -1000)");
        f.apply(txn("c", -1_000, 1.0));
        assertEquals(1L, f.value("c", -999, "n"), "[-1000, -999)");
        f.apply(txn("c", -1, 1.0));
        assertEquals(2L, f.value("c", 0, "n"), "[-1000, 0)");
        assertEquals(0L, f.value("c", 1, "n"), "[0, 1)");
    }

    /** DESIGN §3: defaults must keep at least 10 hops per window; docs/AGGREGATION.md lists them. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"PT5M, PT30S", "PT1H, PT5M", "PT24H, PT2H", "P7D, PT12H"})
    void defaultHopKeepsAtLeastTenHopsPerWindow(String window, String expectedHop) {
        Duration size = Duration.parse(window);
        Duration hop = WindowSpec.defaultHop(size);
        assertEquals(Duration.parse(expectedHop), hop);
        assertEquals(0, size.toMillis() % hop.toMillis(), "hop divides the window");
        assertTrue(size.toMillis() / hop.toMillis() >= 10, "at least 10 hops");

        ViewFixture f = ViewFixture.of(agg("n", COUNT, null, new WindowSpec.Hopping(size, null)));
        FeatureDef def = f.view.features().getFirst();
        assertEquals(hop.toMillis(), def.hop(), "a window without a hop compiles with the default");
        long w = size.toMillis();
        long h = hop.toMillis();
        f.apply(txn("c", 0, 1.0));
        assertEquals(1L, f.value("c", w, "n"), "t = W: lo = 0");
        assertEquals(0L, f.value("c", w + 1, "n"), "t = W + 1: lo = H");
        assertEquals(0L, f.value("c", w + h, "n"));
    }

    @Test
    void windowSizeAndHopOfEveryKindCompileAsDeclared() {
        ViewFixture f = countsOfEveryKind();
        List<FeatureDef> defs = f.view.features();
        assertAll(
                () -> assertEquals(10_000, defs.get(f.index("dense")).size()),
                () -> assertEquals(1_000, defs.get(f.index("dense")).hop()),
                () -> assertEquals(1, defs.get(f.index("sliding")).hop()),
                () -> assertEquals(10_000, defs.get(f.index("tumbling")).hop()),
                () -> assertEquals(5_000, defs.get(f.index("session")).size()));
    }
}
