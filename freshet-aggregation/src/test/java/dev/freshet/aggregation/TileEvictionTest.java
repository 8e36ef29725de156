package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.freshet.aggregation.codec.ByteWriter;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Bounded memory per key: a dense ring holds R = W/H tiles and a sparse list the tiles of the last R
 * hops. An event older than that for its key is skipped (it is outside every window that can still
 * be read), while lifetime features of the same view still count it.
 */
class TileEvictionTest {

    private static byte[] keyState(ViewFixture f, Object key) {
        ByteWriter out = new ByteWriter();
        f.table.writeKeyState(f.table.keyId(key), out);
        return out.toByteArray();
    }

    private static ViewFixture windowed(long size, long hop) {
        return ViewFixture.of(
                agg("n", AggregationFunction.COUNT, null, hopping(size, hop)),
                agg("sum", AggregationFunction.SUM, "amount", hopping(size, hop)),
                agg("merchants", AggregationFunction.COUNT_DISTINCT, "merchant", hopping(size, hop)));
    }

    @Test
    void eventOlderThanTheDenseRingIsSkippedWhileLifetimeFeaturesStillCountIt() {
        AggregationSpec[] specs = {
                agg("n_10s", AggregationFunction.COUNT, null, hopping(10_000, 1_000)),
                agg("n_total", AggregationFunction.COUNT, null, lifetime()),
                agg("sum_total", AggregationFunction.SUM, "amount", lifetime()),
        };
        ViewFixture f = ViewFixture.of(specs);
        f.apply(txn("c", 100_000, 1.0));
        f.apply(txn("c", 50_000, 2.0)); // tile 50 shares ring slot 0 with tile 100
        FeatureVector v = f.read("c", 100_001);
        assertEquals(1L, v.value(f.index("n_10s")));
        assertEquals(2L, v.value(f.index("n_total")));
        assertEquals(3.0, v.value(f.index("sum_total")));
    }

    @Test
    void denseRingSkipsAnEventOlderThanItsSpanWithoutTouchingState() {
        ViewFixture skipped = windowed(10_000, 1_000);
        skipped.apply(txn("c", 100_000, "m1", 1.0, null, true));
        byte[] before = keyState(skipped, "c");
        skipped.apply(txn("c", 90_999, "m2", 2.0, null, true)); // tile 90: exactly R = 10 tiles behind 100
        skipped.apply(txn("c", 55_000, "m3", 4.0, null, true)); // tile 55: same slot as tile 95, which is empty
        skipped.apply(txn("c", 55_500, "m3", 4.0, null, true));
        ViewFixture clean = windowed(10_000, 1_000);
        clean.apply(txn("c", 100_000, "m1", 1.0, null, true));
        clean.apply(txn("c", 55_000, "m3", 4.0, null, true));
        clean.apply(txn("c", 55_500, "m3", 4.0, null, true));
        assertFalse(Arrays.equals(before, keyState(skipped, "c")), "tile 55 took the empty slot 5");
        assertArrayEquals(keyState(clean, "c"), keyState(skipped, "c"), "tile 90 was skipped");
        assertEquals(1L, skipped.value("c", 100_001, "n"));
        assertEquals(1.0, skipped.value("c", 100_001, "sum"));
    }

    @Test
    void lateEventWithinTheDenseRingUpdatesItsTile() {
        ViewFixture f = windowed(10_000, 1_000);
        f.apply(txn("c", 100_000, "m1", 1.0, null, true));
        f.apply(txn("c", 91_000, "m2", 2.0, null, true)); // tile 91: 9 tiles behind, still in the ring
        assertEquals(2L, f.value("c", 100_001, "n"));
        assertEquals(3.0, f.value("c", 100_001, "sum"));
        assertEquals(2L, f.value("c", 100_001, "merchants"));
        assertEquals(1L, f.value("c", 101_001, "n"), "t=101001: lo=92000");
    }

    @Test
    void ringSlotIsRecycledForANewerTile() {
        ViewFixture f = windowed(10_000, 1_000);
        f.apply(txn("c", 100_000, "a", 1.0, null, true));
        f.apply(txn("c", 105_500, "b", 2.0, null, true));
        f.apply(txn("c", 110_000, "c", 4.0, null, true)); // tile 110 replaces tile 100 in slot 0
        assertEquals(2L, f.value("c", 110_001, "n"));
        assertEquals(6.0, f.value("c", 110_001, "sum"));
        assertEquals(2L, f.value("c", 110_001, "merchants"));
        assertEquals(1L, f.value("c", 115_501, "n"));
        assertEquals(4.0, f.value("c", 115_501, "sum"));
    }

    @Test
    void sparseTilesOlderThanTheWindowSpanAreEvictedAndSkipped() {
        ViewFixture skipped = windowed(1_000, 1); // 1000 hops per window: sparse tile list
        skipped.apply(txn("c", 10_000, "a", 1.0, null, true));
        skipped.apply(txn("c", 9_500, "b", 2.0, null, true));
        skipped.apply(txn("c", 11_200, "c", 4.0, null, true)); // evicts 10_000 (1200 hops behind)
        skipped.apply(txn("c", 9_000, "d", 8.0, null, true)); // 2200 hops behind: skipped
        ViewFixture clean = windowed(1_000, 1);
        clean.apply(txn("c", 11_200, "c", 4.0, null, true));
        assertArrayEquals(keyState(clean, "c"), keyState(skipped, "c"));
        assertEquals(1L, skipped.value("c", 11_201, "n"));
        assertEquals(4.0, skipped.value("c", 11_201, "sum"));
    }

    @Test
    void stateOfAKeyStaysBoundedUnderAnEndlessStream() {
        ViewFixture f = windowed(10_000, 1_000);
        ViewFixture sparse = windowed(1_000, 1);
        long[] sizes = new long[4];
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 5_000; i++) {
                long time = round * 5_000_000L + i * 1_000L;
                f.apply(txn("c", time, "m" + (i % 7), 1.0, null, true));
                sparse.apply(txn("c", time / 10, "m" + (i % 7), 1.0, null, true));
            }
            sizes[round] = keyState(f, "c").length + keyState(sparse, "c").length;
        }
        assertEquals(sizes[1], sizes[3], "encoded state size does not grow with the number of events");
        TileTable t = f.table;
        assertEquals(1, t.keyCount());
    }
}
