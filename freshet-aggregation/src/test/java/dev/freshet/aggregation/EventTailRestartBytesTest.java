package dev.freshet.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.codec.ByteReader;
import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.testkit.TestRow;
import org.junit.jupiter.api.Test;

/**
 * A table restored from a tail table's checkpoint bytes (as TableCodec.decode does: a new TileTable,
 * readKeyState per key) and then fed the same later events as the table that never stopped must end
 * in the same bytes (EmbeddedEngineRestartTest's "tile tables byte for byte" invariant).
 */
class EventTailRestartBytesTest {

    private static byte[] keyState(TileTable table, Object key) {
        ByteWriter w = new ByteWriter(256);
        table.writeKeyState(table.keyId(key), w);
        return w.toByteArray();
    }

    @Test
    void restoredThenContinuedTableWritesTheSameBytesAsOneThatNeverStopped() {
        CompiledView view = ViewFixture.compile(OracleHarness.source(), OracleHarness.CARD,
                ViewFixture.agg("n_2s", AggregationFunction.COUNT, null, ViewFixture.hopping(2_000, 500)));
        TileTable running = new TileTable(view, 4);
        TileTable atOnce = TileTable.applyingAtOnce(view, 4);
        long seq = 0;
        // a sparse card: one event in tile 1 (ring position 1), then seven 10 s apart (ring position 0)
        long[] times = {500, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000};
        for (long ts : times) {
            TestRow row = new TestRow(ViewFixture.txn("c", ts, 1.0));
            running.apply(row, seq);
            atOnce.apply(row, seq++);
        }
        // checkpoint and restore, as TableCodec.encode/decode do
        TileTable restored = new TileTable(view, 4);
        restored.readKeyState(restored.internKey("c"), new ByteReader(keyState(running, "c")));
        // ingestion continues on both
        TestRow next = new TestRow(ViewFixture.txn("c", 90_000, 1.0));
        running.apply(next, seq);
        restored.apply(next, seq);
        atOnce.apply(next, seq);

        // reads still agree (the tail's contract):
        FeatureVector a = new FeatureVector(1);
        FeatureVector b = new FeatureVector(1);
        running.read("c", 90_001, a, running.newReader());
        restored.read("c", 90_001, b, restored.newReader());
        assertEquals(a.value(0), b.value(0));
        // User-visible: after a restart from a checkpoint, a sparse key's state bytes (and the next
        // checkpoint image) differed from those of an engine that never stopped.
        assertArrayEquals(keyState(restored, "c"), keyState(running, "c"),
                "tile bytes of a restored-then-continued table vs the table that never stopped");
    }
}
