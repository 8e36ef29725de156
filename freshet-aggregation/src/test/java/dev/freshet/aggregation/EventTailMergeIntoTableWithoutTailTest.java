package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.testkit.TestRow;
import org.junit.jupiter.api.Test;

/** TileTable.mergeFrom of a table with a tail into one without (applyingAtOnce), same view. */
class EventTailMergeIntoTableWithoutTailTest {

    @Test
    void applyingAtOnceTableMergesATailTable() {
        CompiledView view = ViewFixture.compile(OracleHarness.source(), OracleHarness.CARD,
                ViewFixture.agg("n_2s", AggregationFunction.COUNT, null, ViewFixture.hopping(2_000, 500)),
                ViewFixture.agg("sum_life", AggregationFunction.SUM, "amount", ViewFixture.lifetime()));
        TileTable withTail = new TileTable(view, 4);
        withTail.apply(new TestRow(ViewFixture.txn("c", 1_000, 5.0)), 0);
        TileTable atOnce = TileTable.applyingAtOnce(view, 4);
        // Was: merging a live (tail) table into the at-once reference/baseline table crashes
        // with a NullPointerException (and before the event tail's first fix it silently lost the tail's events).
        assertDoesNotThrow(() -> atOnce.mergeFrom(withTail), "applyingAtOnce.mergeFrom(table with a tail)");
        FeatureVector out = new FeatureVector(2);
        atOnce.read("c", 1_001, out, atOnce.newReader());
        assertEquals(1L, out.value(0));
        assertEquals(5.0, out.value(1));
    }
}
