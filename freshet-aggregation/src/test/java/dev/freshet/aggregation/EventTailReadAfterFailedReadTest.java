package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.testkit.TestRow;
import org.junit.jupiter.api.Test;

/** A read that fails part-way must not change what later reads through the same Reader return. */
class EventTailReadAfterFailedReadTest {

    @Test
    void aFailedReadLeavesNoOverlayBehindForTheNextKey() {
        CompiledView view = ViewFixture.compile(OracleHarness.source(), OracleHarness.CARD,
                ViewFixture.agg("n_2s", AggregationFunction.COUNT, null, ViewFixture.hopping(2_000, 500)),
                ViewFixture.agg("sum_life", AggregationFunction.SUM, "amount", ViewFixture.lifetime()));
        TileTable table = new TileTable(view, 4);
        table.apply(new TestRow(ViewFixture.txn("a", 1_000, 100.0)), 0);
        table.apply(new TestRow(ViewFixture.txn("b", 2_000, 1.0)), 1);
        TileTable.Reader reader = table.newReader(); // the engine keeps one per thread (ViewRuntime)
        // a read with a vector too small for the view fails (caller error) after the tail was overlaid
        assertThrows(IndexOutOfBoundsException.class, () -> table.read("a", 5_000, new FeatureVector(1), reader));
        FeatureVector out = new FeatureVector(2);
        table.read("b", 5_000, out, reader);
        // Was: after one failed read, the thread's next read of another key returns card a's
        // lifetime tile plus b's events (101.0), i.e. another entity's data.
        assertEquals(1.0, out.value(1), "lifetime sum of b read after a failed read of a");
    }
}
