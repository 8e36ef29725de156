package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.DeadLetter;
import dev.freshet.aggregation.watermark.DropReason;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the streaming driver judges an event that lacks the key of some of its source's views, and
 * an event time too far ahead to subtract safely.
 */
class SourceDriverKeysAndSkewTest {
    private static final EntitySpec MERCHANT = new EntitySpec("merchant",
            List.of(Field.required("merchant", FieldType.STRING)), "");

    private static Object[] txn(String card, String merchant, long eventTime) {
        Object[] v = new Object[TestStreams.SCHEMA.size()];
        v[TestStreams.CARD] = card;
        v[TestStreams.MERCHANT] = merchant;
        v[TestStreams.AMOUNT] = 1.0;
        v[TestStreams.QTY] = 1L;
        v[TestStreams.FLAG] = true;
        v[TestStreams.EVENT_TIME] = eventTime;
        return v;
    }

    private static List<AggregationSpec> lifetimeCount() {
        return List.of(new AggregationSpec("n", AggregationFunction.COUNT, null, new WindowSpec.Lifetime(), null, null, ""));
    }

    /**
     * One source feeding a card view and a merchant view (merchant is a nullable field). An event
     * with a card but no merchant is a card event (DESIGN §3: the card view aggregates events with
     * e.key = k) and no merchant's: it updates the card view only and is not a drop. An event with
     * no key at all is dropped as NULL_KEY and dead-lettered. Both the one-at-a-time and the staged
     * batch path.
     */
    @Test
    void anEventUpdatesEveryViewWhoseKeyItHasAndIsDroppedOnlyWithoutAny() {
        SourceSpec source = EngineFixtures.source(10_000, 60_000);
        CompiledView cardView = EngineFixtures.compile(source, EngineFixtures.CARD, lifetimeCount());
        CompiledView merchantView = EngineFixtures.compile(source, MERCHANT, lifetimeCount());
        for (boolean staged : new boolean[] {false, true}) {
            TileTable cards = new TileTable(cardView, 4);
            TileTable merchants = new TileTable(merchantView, 4);
            List<DeadLetter> letters = new ArrayList<>();
            SourceDriver driver = new SourceDriver(source, List.of(cards, merchants), letters::add, 1);
            Object[][] rows = {txn("c1", "m1", 1_000), txn("c1", null, 1_001), txn(null, "m1", 1_002), txn(null, null, 1_003)};
            Verdict[] verdicts = new Verdict[rows.length];
            if (staged) {
                EventBatch batch = new EventBatch(TestStreams.SCHEMA, rows.length);
                for (Object[] row : rows) {
                    int r = batch.addRow();
                    for (int f = 0; f < row.length; f++) {
                        batch.setObject(r, f, row[f]);
                    }
                }
                driver.offerBatch(batch, 0, rows.length, 0, 0, 2_000, verdicts, i -> "p" + i);
            } else {
                for (int i = 0; i < rows.length; i++) {
                    int index = i;
                    verdicts[i] = driver.offer(new TestRow(rows[i]), 0, i, 2_000, () -> "p" + index);
                }
            }
            String path = staged ? "staged: " : "one by one: ";
            assertEquals(List.of(Verdict.APPLIED, Verdict.APPLIED, Verdict.APPLIED, Verdict.NULL_KEY), List.of(verdicts), path);
            FeatureVector out = new FeatureVector(1);
            cards.read("c1", 3_000, out, cards.newReader());
            assertEquals(2L, out.value(0), path + "both card events");
            merchants.read("m1", 3_000, out, merchants.newReader());
            assertEquals(2L, out.value(0), path + "both merchant events");
            assertEquals(1, driver.drops().get(DropReason.NULL_KEY), path);
            assertEquals(1, letters.size(), path);
            assertEquals(3, letters.getFirst().seq(), path);
        }
    }

    /**
     * With a negative accept time (history before 1970, or any caller-supplied time) an event at
     * Long.MAX_VALUE is further ahead than a long can say: it must be too far in the future, not
     * held forever (raising the partition's max event time so every later event would be LATE).
     */
    @Test
    void eventAtLongMaxIsTooFarInTheFutureEvenWithANegativeAcceptTime() {
        SourceSpec source = EngineFixtures.source(10_000, 60_000);
        CompiledView cardView = EngineFixtures.compile(source, EngineFixtures.CARD, lifetimeCount());
        TileTable cards = new TileTable(cardView, 4);
        List<DeadLetter> letters = new ArrayList<>();
        SourceDriver driver = new SourceDriver(source, List.of(cards), letters::add, 1);

        Verdict far = driver.offer(new TestRow(txn("c1", "m1", Long.MAX_VALUE)), 0, 0, -1, () -> "far");
        Verdict next = driver.offer(new TestRow(txn("c1", "m1", -2)), 0, 1, -1, () -> "next");
        assertEquals(Verdict.TOO_FAR_IN_FUTURE, far, "event time Long.MAX_VALUE accepted at -1 ms");
        assertEquals(Verdict.APPLIED, next);
        assertEquals(1, driver.drops().get(DropReason.TOO_FAR_IN_FUTURE));
    }
}
