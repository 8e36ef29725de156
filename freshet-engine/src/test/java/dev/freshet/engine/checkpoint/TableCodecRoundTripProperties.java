package dev.freshet.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
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
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * encode → decode → encode gives identical bytes, and the decoded table reads exactly like the
 * original (and keeps doing so as both apply more events), for seeded random streams over every
 * function and window kind.
 */
class TableCodecRoundTripProperties {
    private static final CompiledView VIEW = EngineFixtures.compile(EngineFixtures.everyFunctionAndWindow());

    static LongStream seeds() {
        return Seeds.of(1717, 25);
    }

    /** Streams start at random times between -5e9 and 5e9 ms. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void decodedTableReEncodesToTheSameBytesAndReadsTheSame(long seed) {
        long start = new SplittableRandom(seed).nextLong(-5_000_000_000L, 5_000_000_001L);
        List<TestEvent> stream = TestStreams.generate(seed, 250, 4, start, 400, 3_000, 40_000);
        assertRoundTrip(EngineFixtures.replay(VIEW, stream), stream);
    }

    @Test
    void emptyTableRoundTrips() {
        TileTable empty = new TileTable(VIEW, 4);
        byte[] bytes = TableCodec.encode(empty);
        TileTable decoded = TableCodec.decode(bytes, VIEW);
        assertEquals(0, decoded.keyCount());
        assertArrayEquals(bytes, TableCodec.encode(decoded));
    }

    /**
     * Sketches past their exact range round-trip too: DDSketch stores spanning hundreds of bins (and,
     * for the amounts spread over 16 decades, collapsed ones), HLL dense mode, frequent-items purges.
     */
    @Test
    void sketchesInEstimationModeRoundTrip() {
        List<AggregationSpec> specs = new ArrayList<>();
        for (WindowSpec w : EngineFixtures.everyWindowKind()) {
            int i = specs.size();
            specs.add(new AggregationSpec("p50_" + i, AggregationFunction.APPROX_PERCENTILE, "amount", w, null, null, ""));
            specs.add(new AggregationSpec("hll_" + i, AggregationFunction.APPROX_COUNT_DISTINCT, "merchant", w, null, null, ""));
            specs.add(new AggregationSpec("top_" + i, AggregationFunction.TOP_K, "merchant", w, null,
                    new AggregationParams(10, 2, 0.5, 12, 0.01), ""));
        }
        CompiledView view = EngineFixtures.compile(specs);
        SplittableRandom r = new SplittableRandom(3);
        List<TestEvent> stream = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            Object[] v = new Object[TestStreams.SCHEMA.size()];
            v[TestStreams.CARD] = "card-" + (i % 2);
            v[TestStreams.MERCHANT] = "m" + r.nextInt(i % 3 == 0 ? 20_000 : 40);
            v[TestStreams.AMOUNT] = i % 5 == 0 ? -Math.pow(10, r.nextDouble(-8, 8)) : r.nextDouble(0, 1_000);
            v[TestStreams.FLAG] = true;
            v[TestStreams.EVENT_TIME] = 1_000_000L + i / 10;
            stream.add(new TestEvent(i, 1_000_000L + i / 10, v));
        }
        TileTable table = EngineFixtures.replay(view, stream);
        assertTopKListsAreFull(table, stream);
        assertRoundTrip(table, stream);
    }

    /**
     * The windows above hold far more distinct merchants than top_k's summary: the reads compared
     * must be real lists (k values), not empty ones that would match by default.
     */
    private static void assertTopKListsAreFull(TileTable table, List<TestEvent> stream) {
        CompiledView view = table.view();
        FeatureVector out = new FeatureVector(view.features().size());
        TileTable.Reader reader = table.newReader();
        int present = 0;
        for (Object key : EngineFixtures.keys(stream)) {
            for (long t : EngineFixtures.timesAfter(stream)) {
                table.read(key, t, out, reader);
                for (int i = 0; i < out.size(); i++) {
                    if (view.features().get(i).name().startsWith("top_") && out.status(i) == Status.PRESENT) {
                        assertEquals(2, ((List<?>) out.value(i)).size(), key + " @ " + t + " " + view.features().get(i).name());
                        present++;
                    }
                }
            }
        }
        assertTrue(present > 0, "no top_k read was PRESENT");
    }

    @Test
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

    /**
     * Encodes, decodes and re-encodes {@code table}; compares the bytes, then every read of both
     * tables, then applies more events to both and compares their reads and bytes again.
     */
    static void assertRoundTrip(TileTable table, List<TestEvent> stream) {
        CompiledView view = table.view();
        byte[] bytes = TableCodec.encode(table);
        TileTable decoded = TableCodec.decode(bytes, view);
        assertArrayEquals(bytes, TableCodec.encode(decoded), "re-encoding the decoded table");
        assertEquals(table.keyCount(), decoded.keyCount());
        List<Object> keys = EngineFixtures.keys(stream);
        List<Long> times = EngineFixtures.timesAfter(stream);
        assertEquals(EngineFixtures.renderReads(table, keys, times), EngineFixtures.renderReads(decoded, keys, times));
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
        assertEquals(EngineFixtures.renderReads(table, keys, later), EngineFixtures.renderReads(decoded, keys, later));
        assertArrayEquals(TableCodec.encode(table), TableCodec.encode(decoded), "re-encoding after more events");
    }
}
