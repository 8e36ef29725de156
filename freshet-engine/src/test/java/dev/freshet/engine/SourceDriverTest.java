package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.DeadLetter;
import dev.freshet.aggregation.watermark.DropReason;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The streaming driver (DESIGN §3 "Lateness", "Time"): what it applies, holds, drops and reports,
 * and that reads at {@code t} see exactly the events with {@code event_time < t}.
 */
class SourceDriverTest {
    private static final long LATENESS = 1_000;
    private static final long SKEW = 5_000;

    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final SourceSpec source = EngineFixtures.source(LATENESS, SKEW);
    private final CompiledView view = EngineFixtures.compile(source, EngineFixtures.CARD, List.of(
            new AggregationSpec("n", AggregationFunction.COUNT, null,
                    new WindowSpec.Hopping(Duration.ofSeconds(10), Duration.ofSeconds(1)), null, null, ""),
            new AggregationSpec("total", AggregationFunction.SUM, "amount", new WindowSpec.Lifetime(), null, null, ""),
            new AggregationSpec("last", AggregationFunction.LAST, "merchant", new WindowSpec.Lifetime(), null, null, "")));
    private final TileTable table = new TileTable(view, 4);
    private final SourceDriver driver = new SourceDriver(source, List.of(table), deadLetters::add, 2);
    private final FeatureVector out = new FeatureVector(3);
    private final TileTable.Reader reader = table.newReader();

    private static Object[] txn(String card, Long eventTime, String merchant, double amount) {
        Object[] v = new Object[TestStreams.SCHEMA.size()];
        v[TestStreams.CARD] = card;
        v[TestStreams.MERCHANT] = merchant;
        v[TestStreams.AMOUNT] = amount;
        v[TestStreams.QTY] = 1L;
        v[TestStreams.FLAG] = true;
        v[TestStreams.EVENT_TIME] = eventTime;
        return v;
    }

    private static Supplier<String> payload(String text) {
        return () -> text;
    }

    /** A payload supplier for events that must be accepted: computing it would mean a drop. */
    private static final Supplier<String> NOT_DROPPED = () -> fail("payload requested for an accepted event");

    private Verdict offer(Object[] values, int partition, long seq, long acceptTime) {
        return driver.offer(new TestRow(values), partition, seq, acceptTime, NOT_DROPPED);
    }

    private long count(String card, long t) {
        table.read(card, t, out, reader);
        return out.getLong(0);
    }

    private double total(String card, long t) {
        table.read(card, t, out, reader);
        return out.getDouble(1);
    }

    @Test
    void lateEventBeyondAllowedLatenessIsDroppedCountedAndDeadLettered() {
        assertEquals(Verdict.APPLIED, offer(txn("c", 10_000L, "m1", 1.0), 0, 1, 10_001));
        Object[] late = txn("c", 8_999L, "m2", 2.0);
        assertEquals(Verdict.LATE, driver.offer(new TestRow(late), 0, 2, 10_002, payload("{\"late\":true}")));
        assertEquals(1, driver.drops().get(DropReason.LATE));
        assertEquals(1, driver.drops().total());
        assertEquals(1, deadLetters.size());
        DeadLetter d = deadLetters.getFirst();
        assertAll(
                () -> assertEquals("txn", d.source()),
                () -> assertEquals(0, d.partition()),
                () -> assertEquals(2, d.seq()),
                () -> assertEquals(8_999, d.eventTime()),
                () -> assertEquals(10_002, d.acceptTime()),
                () -> assertEquals(DropReason.LATE, d.reason()),
                () -> assertTrue(d.detail().contains("9000"), "detail names the watermark: " + d.detail()),
                () -> assertEquals("{\"late\":true}", d.payload()));
        assertEquals(1, count("c", 10_003));
        assertEquals(1.0, total("c", 10_003));
        assertEquals(1, driver.appliedCount());
    }

    @Test
    void eventWithinAllowedLatenessIsAppliedAndChangesTheReadValue() {
        offer(txn("c", 10_000L, "m1", 1.0), 0, 1, 10_001);
        assertEquals(1, count("c", 10_500));
        assertEquals(Verdict.APPLIED, offer(txn("c", 9_000L, "m2", 2.0), 0, 2, 10_500)); // exactly at the watermark
        assertEquals(2, count("c", 10_501));
        assertEquals(3.0, total("c", 10_501));
        table.read("c", 10_501, out, reader);
        assertEquals("m1", out.value(2), "the late event is older, so last stays m1");
        assertEquals(0, driver.drops().total());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void watermarksArePerPartition() {
        offer(txn("c", 100_000L, "m1", 1.0), 1, 1, 100_001);
        assertEquals(Verdict.LATE, driver.offer(new TestRow(txn("c", 50_000L, "m2", 2.0)), 1, 2, 100_002, payload("p1")));
        assertEquals(Verdict.APPLIED, offer(txn("c", 50_000L, "m2", 2.0), 0, 3, 100_003));
        assertEquals(100_000 - LATENESS, driver.watermarks().watermark(1));
        assertEquals(50_000 - LATENESS, driver.watermarks().watermark(0));
        assertEquals(1, driver.drops().get(DropReason.LATE));
        assertEquals(1, deadLetters.getFirst().partition());
        assertEquals(3.0, total("c", 100_004));
    }

    @Test
    void eventTooFarInTheFutureIsRejectedWithAClearError() {
        assertEquals(Verdict.TOO_FAR_IN_FUTURE,
                driver.offer(new TestRow(txn("c", 10_000L + SKEW + 1, "m", 1.0)), 0, 1, 10_000, payload("future")));
        assertEquals(Verdict.HELD, offer(txn("c", 10_000L + SKEW, "m", 2.0), 0, 2, 10_000));
        assertEquals(1, driver.drops().get(DropReason.TOO_FAR_IN_FUTURE));
        DeadLetter d = deadLetters.getFirst();
        assertEquals(DropReason.TOO_FAR_IN_FUTURE, d.reason());
        assertTrue(d.detail().contains("5001 ms ahead") && d.detail().contains("5000 ms"), d.detail());
        assertEquals("future", d.payload());
        assertEquals(10_000L + SKEW - LATENESS, driver.watermarks().watermark(0), "rejected events do not move the watermark");
    }

    @Test
    void eventAtExactlyItsAcceptTimeIsHeldAndCountsOnlyOneMillisecondLater() {
        assertEquals(Verdict.HELD, offer(txn("c", 5_000L, "m", 1.0), 0, 1, 5_000));
        assertEquals(1, driver.heldCount());
        assertEquals(0, count("c", 5_000), "excluded at t = event time");
        driver.advanceTo(5_000);
        assertEquals(1, driver.heldCount(), "still held at t = event time");
        driver.advanceTo(5_001);
        assertEquals(0, driver.heldCount());
        assertEquals(1, count("c", 5_001), "included from t = event time + 1");
        assertEquals(1, driver.appliedCount());
    }

    @Test
    void futureEventIsHeldUntilTheClockPassesItAndIsAppliedInEventTimeOrder() {
        assertEquals(Verdict.HELD, offer(txn("c", 5_800L, "late-future", 4.0), 0, 1, 5_000));
        assertEquals(Verdict.HELD, offer(txn("c", 5_400L, "early-future", 2.0), 0, 2, 5_100));
        assertEquals(Verdict.APPLIED, offer(txn("c", 4_900L, "past", 1.0), 0, 3, 5_200));
        assertEquals(2, driver.heldCount());
        assertEquals(1, count("c", 5_300));
        driver.advanceTo(5_401);
        assertEquals(1, driver.heldCount());
        assertEquals(2, count("c", 5_401));
        assertEquals(3.0, total("c", 5_401));
        // An arrival after the remaining event time releases it before being applied itself.
        assertEquals(Verdict.APPLIED, offer(txn("c", 5_600L, "now", 8.0), 0, 4, 6_000));
        assertEquals(0, driver.heldCount());
        assertEquals(4, count("c", 6_001));
        table.read("c", 6_001, out, reader);
        assertEquals("late-future", out.value(2));
        assertEquals(15.0, out.getDouble(1));
        assertEquals(4, driver.appliedCount());
    }

    @Test
    void heldEventsAreCopiedSoTheirRowMayBeReused() {
        EventBatch batch = new EventBatch(TestStreams.SCHEMA, 1);
        EventBatch.Cursor cursor = new EventBatch.Cursor();
        int r = batch.addRow();
        for (int f = 0; f < TestStreams.SCHEMA.size(); f++) {
            batch.setObject(r, f, txn("c", 9_000L, "held", 5.0)[f]);
        }
        assertEquals(Verdict.HELD, driver.offer(cursor.at(batch, r), 0, 1, 8_000, NOT_DROPPED));
        batch.clear();
        r = batch.addRow();
        for (int f = 0; f < TestStreams.SCHEMA.size(); f++) {
            batch.setObject(r, f, txn("other", 8_500L, "overwritten", 7.0)[f]);
        }
        assertEquals(Verdict.APPLIED, driver.offer(cursor.at(batch, r), 0, 2, 9_001, NOT_DROPPED));
        table.read("c", 9_002, out, reader);
        assertEquals(5.0, out.getDouble(1));
        assertEquals("held", out.value(2));
        assertEquals(7.0, total("other", 9_002));
    }

    @Test
    void nullEventTimeAndNullKeyAreDroppedWithTheirReason() {
        assertEquals(Verdict.NULL_EVENT_TIME, driver.offer(new TestRow(txn("c", null, "m", 1.0)), 1, 7, 1_000, payload("no time")));
        assertEquals(Verdict.NULL_KEY, driver.offer(new TestRow(txn(null, 500L, "m", 1.0)), 0, 8, 1_000, payload("no key")));
        assertEquals(1, driver.drops().get(DropReason.NULL_EVENT_TIME));
        assertEquals(1, driver.drops().get(DropReason.NULL_KEY));
        assertEquals(2, deadLetters.size());
        assertEquals(Long.MIN_VALUE, deadLetters.get(0).eventTime());
        assertEquals(7, deadLetters.get(0).seq());
        assertEquals("no time", deadLetters.get(0).payload());
        assertEquals(500, deadLetters.get(1).eventTime());
        assertEquals("no key", deadLetters.get(1).payload());
        assertEquals(0, table.keyCount());
        assertEquals(0, driver.appliedCount());
    }

    @Test
    void dropWithoutAPayloadSupplierStillReachesTheDeadLetterSink() {
        offer(txn("c", 10_000L, "m1", 1.0), 0, 1, 10_001);
        assertEquals(Verdict.LATE, driver.offer(new TestRow(txn("c", 1L, "m", 1.0)), 0, 2, 10_002, null));
        assertEquals(1, deadLetters.size());
        assertNull(deadLetters.getFirst().payload());
    }

    @Test
    void decreasingAcceptTimesAreRaisedToThePreviousOne() {
        offer(txn("c", 9_000L, "m1", 1.0), 0, 1, 10_000);
        // Accepted "at 9000" after an event accepted at 10000: treated as accepted at 10000, so its
        // event time 9500 is already in the past and it applies at once.
        assertEquals(Verdict.APPLIED, offer(txn("c", 9_500L, "m2", 2.0), 0, 2, 9_000));
        assertEquals(2, count("c", 10_000));
    }

    @Test
    void eventOfferedAfterTheClockAdvancedPastItAppliesAtOnce() {
        driver.advanceTo(20_000);
        // Stamped before the clock moved on (e.g. by the ingest thread) and offered after it.
        assertEquals(Verdict.APPLIED, offer(txn("c", 15_000L, "m", 1.0), 0, 1, 12_000));
        assertEquals(0, driver.heldCount());
        assertEquals(1, count("c", 20_000));
    }

    /**
     * Known bug, left for a design decision: a session group evicts sessions ending before (the key's
     * newest event - lateness - gap), assuming no on-time event can reach them. With per-partition
     * watermarks that only holds if a key lives in one partition; a lagging partition may still
     * deliver on-time events that bridge into an evicted session (here the event at 0).
     */
    @Test
    @Disabled("session eviction is not exact when one key's events span partitions with different watermarks")
    void sessionOfAKeySpanningPartitionsKeepsEveryEventALaggingPartitionBridges() {
        SourceSpec tight = EngineFixtures.source(50, SKEW);
        CompiledView sessions = EngineFixtures.compile(tight, EngineFixtures.CARD, List.of(new AggregationSpec("n",
                AggregationFunction.COUNT, null, new WindowSpec.Session(Duration.ofMillis(10)), null, null, "")));
        TileTable t = new TileTable(sessions, 4);
        SourceDriver d = new SourceDriver(tight, List.of(t), deadLetters::add, 2);
        long seq = 0;
        assertEquals(Verdict.APPLIED, d.offer(new TestRow(txn("c", 0L, "m", 1.0)), 1, seq++, 1, NOT_DROPPED));
        assertEquals(Verdict.APPLIED, d.offer(new TestRow(txn("c", 1_000L, "m", 1.0)), 1, seq++, 1_001, NOT_DROPPED));
        for (long et = 5; et < 1_000; et += 10) { // partition 0 lags: each of these is on time there
            assertEquals(Verdict.APPLIED, d.offer(new TestRow(txn("c", et, "m", 1.0)), 0, seq++, 1_002, NOT_DROPPED));
        }
        FeatureVector v = new FeatureVector(1);
        t.read("c", 1_005, v, t.newReader());
        assertEquals(102L, v.value(0), "one session: 0, 5, 15, ..., 995, 1000");
    }

    @Test
    void everyTableOfTheSourceReceivesTheEvent() {
        CompiledView other = EngineFixtures.compile(source, EngineFixtures.CARD, List.of(
                new AggregationSpec("max", AggregationFunction.MAX, "qty", new WindowSpec.Lifetime(), null, null, "")));
        TileTable second = new TileTable(other, 4);
        SourceDriver two = new SourceDriver(source, List.of(table, second), deadLetters::add, 1);
        two.offer(new TestRow(txn("c", 1_000L, "m", 1.0)), 0, 1, 1_001, NOT_DROPPED);
        assertEquals(1, count("c", 1_002));
        FeatureVector v = new FeatureVector(1);
        second.read("c", 1_002, v, second.newReader());
        assertEquals(Status.PRESENT, v.status(0));
        assertEquals(1L, v.value(0));
        assertEquals(List.of(table, second), two.tables());
    }
}
