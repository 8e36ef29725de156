package dev.freshet.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.EngineFixtures;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationParams;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * encode → decode → encode gives identical bytes, and the decoded table reads exactly like the
 * original, for seeded random streams over every function and window kind.
 */
class TableCodecRoundTripProperties {
    private static final CompiledView VIEW = EngineFixtures.compile(EngineFixtures.everyFunctionAndWindow());

    @Property(tries = 25, seed = "1717")
    void decodedTableReEncodesToTheSameBytesAndReadsTheSame(
            @ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start, @ForAll long seed) {
        List<TestEvent> stream = TestStreams.generate(seed, 250, 4, start, 400, 3_000, 40_000);
        assertRoundTrip(EngineFixtures.replay(VIEW, stream), stream);
    }

    @Example
    void emptyTableRoundTrips() {
        TileTable empty = new TileTable(VIEW, 4);
        byte[] bytes = TableCodec.encode(empty);
        TileTable decoded = TableCodec.decode(bytes, VIEW);
        assertEquals(0, decoded.keyCount());
        assertArrayEquals(bytes, TableCodec.encode(decoded));
    }

    /** Sketches past their exact range (KLL compaction, HLL dense mode, frequent-items purges) round-trip too. */
    @Example
    void sketchesInEstimationModeRoundTrip() {
        List<AggregationSpec> specs = new ArrayList<>();
        for (WindowSpec w : EngineFixtures.everyWindowKind()) {
            int i = specs.size();
            specs.add(new AggregationSpec("p50_" + i, AggregationFunction.APPROX_PERCENTILE, "amount", w, null, null, ""));
            specs.add(new AggregationSpec("hll_" + i, AggregationFunction.APPROX_COUNT_DISTINCT, "merchant", w, null, null, ""));
            specs.add(new AggregationSpec("top_" + i, AggregationFunction.TOP_K, "merchant", w, null,
                    new AggregationParams(10, 2, 0.5, 12), ""));
        }
        CompiledView view = EngineFixtures.compile(specs);
        SplittableRandom r = new SplittableRandom(3);
        List<TestEvent> stream = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            Object[] v = new Object[TestStreams.SCHEMA.size()];
            v[TestStreams.CARD] = "card-" + (i % 2);
            v[TestStreams.MERCHANT] = "m" + r.nextInt(i % 3 == 0 ? 20_000 : 40);
            v[TestStreams.AMOUNT] = r.nextDouble(0, 1_000);
            v[TestStreams.FLAG] = true;
            v[TestStreams.EVENT_TIME] = 1_000_000L + i / 10;
            stream.add(new TestEvent(i, 1_000_000L + i / 10, v));
        }
        // approx_percentile over several full tiles is left out of the read comparison: KLL merges
        // compact with DataSketches' static unseeded Random, so even two reads of one table differ
        // (see ReadDeterminismTest in freshet-aggregation). The bytes are compared all the same.
        assertRoundTrip(EngineFixtures.replay(view, stream), stream, name -> !name.equals("p50_0") && !name.equals("p50_3"), false);
    }

    @Example
    void compositeAndNumericKeysRoundTrip() {
        EntitySpec cardAndQty = new EntitySpec("card_qty",
                List.of(Field.required("card_id", FieldType.STRING), Field.required("qty", FieldType.INT64)), "");
        CompiledView view = EngineFixtures.compile(EngineFixtures.source(), cardAndQty, EngineFixtures.everyFunctionAndWindow());
        List<TestEvent> stream = TestStreams.generate(42, 300, 3, 0, 400, 3_000, 40_000);
        TileTable table = EngineFixtures.replay(view, stream);
        byte[] bytes = TableCodec.encode(table);
        TileTable decoded = TableCodec.decode(bytes, view);
        assertArrayEquals(bytes, TableCodec.encode(decoded));
        List<Object> keys = new ArrayList<>();
        for (int k = 0; k < table.keyCount(); k++) {
            keys.add(table.key(k));
        }
        keys.add(new CompositeKey("card-0", 999L));
        assertEquals(table.keyCount(), decoded.keyCount());
        List<Long> times = EngineFixtures.timesAfter(stream);
        assertEquals(EngineFixtures.renderReads(table, keys, times), EngineFixtures.renderReads(decoded, keys, times));
    }

    static void assertRoundTrip(TileTable table, List<TestEvent> stream) {
        assertRoundTrip(table, stream, name -> true, true);
    }

    /**
     * @param comparedFeatures features whose reads must match
     * @param thenApplyMore    also apply more events to both tables and compare again (not in KLL
     *                         estimation mode, whose compactions draw from an unseeded Random)
     */
    static void assertRoundTrip(TileTable table, List<TestEvent> stream, Predicate<String> comparedFeatures, boolean thenApplyMore) {
        CompiledView view = table.view();
        byte[] bytes = TableCodec.encode(table);
        TileTable decoded = TableCodec.decode(bytes, view);
        assertArrayEquals(bytes, TableCodec.encode(decoded), "re-encoding the decoded table");
        assertEquals(table.keyCount(), decoded.keyCount());
        List<Object> keys = EngineFixtures.keys(stream);
        List<Long> times = EngineFixtures.timesAfter(stream);
        assertEquals(EngineFixtures.renderReads(table, keys, times, comparedFeatures),
                EngineFixtures.renderReads(decoded, keys, times, comparedFeatures));
        if (!thenApplyMore) {
            return;
        }
        // The decoded table keeps working: applying more events to both keeps them identical.
        long after = times.getFirst();
        TestRow row = new TestRow(null);
        for (int i = 0; i < 20; i++) {
            Object[] v = stream.get(i % stream.size()).values().clone();
            v[TestStreams.EVENT_TIME] = after + i;
            table.apply(row.reset(v), 1_000_000 + i);
            decoded.apply(row.reset(v), 1_000_000 + i);
        }
        List<Long> later = List.of(after + 21, after + 2_000, after + 20_000);
        assertEquals(EngineFixtures.renderReads(table, keys, later, comparedFeatures),
                EngineFixtures.renderReads(decoded, keys, later, comparedFeatures));
    }
}
