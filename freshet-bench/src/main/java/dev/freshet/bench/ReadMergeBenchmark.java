package dev.freshet.bench;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.app.bench.FraudEvents;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.WindowSpec;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Read-time merge cost: one {@link TileTable#read} of a key whose window is fully populated,
 * which merges every tile inside the window into scratch and finalizes each feature into a
 * {@link FeatureVector}. The key is hot in cache; this is the serving path's CPU cost per view,
 * without the network or the key lookup's cache misses of a large table.
 *
 * <p>Windows ({@code SIZE/HOP}): those of {@code examples/fraud}'s {@code card_txn} view,
 * {@code 5m/30s} (10 tiles), {@code 1h/5m} (12), {@code 24h/2h} (12) and {@code 1h/1m} (60), then
 * {@code 24h/1h} (24) and the exact sliding {@code 5m/1ms}, populated with one event per second
 * (300 one-event tiles). Hopping
 * windows get {@value #EVENTS_PER_TILE} events in every tile. Feature sets, all over the same window:
 * {@code core} = count, sum, avg, min, max, stddev, last (slot path); {@code sketches} =
 * approx_count_distinct, approx_percentile, top_k; {@code all} = the twelve functions of
 * {@link AggregatorUpdateBenchmark}. Inputs as in the fraud view ({@code amount},
 * {@code merchant_id}). {@code populated=newest} leaves every tile but the newest empty.
 * {@code table=tail} is the engine's table, where a key with few events keeps them in its event
 * tail and every read folds them into copies of their tiles; {@code table=at-once} applies each
 * event to its tiles at once ({@link TileTable#applyingAtOnce}): the difference is the read cost
 * of the tail.
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar ReadMergeBenchmark -f 1 -wi 3 -i 5
 * java -jar freshet-bench/target/benchmarks.jar ReadMergeBenchmark -p features=core -p window=1h/5m,24h/2h
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class ReadMergeBenchmark {
    static final int EVENTS_PER_TILE = 8;
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a multiple of every hop
    private static final long SLIDING_EVENT_GAP_MS = 1_000;

    @Param({"5m/30s", "1h/5m", "24h/2h", "24h/1h", "1h/1m", "5m/1ms"})
    String window;

    @Param({"core", "sketches", "all"})
    String features;

    /**
     * {@code all}: every tile of the window holds events; {@code newest}: only the newest tile (a
     * key with a few recent events, the common case of a large population) — the others are empty.
     */
    @Param({"all", "newest"})
    String populated;

    @Param({"tail", "at-once"})
    String table;

    private TileTable state;
    private TileTable.Reader reader;
    private FeatureVector out;
    private Object key;
    private long readTime;

    @Setup
    public void setUp() {
        List<AggregationFunction> functions = switch (features) {
            case "core" -> BenchViews.CORE;
            case "sketches" -> BenchViews.SKETCHES;
            case "all" -> Arrays.stream(BenchViews.ALL_FUNCTIONS.split(",")).map(BenchViews::function).toList();
            default -> throw new IllegalArgumentException("features must be core, sketches or all: " + features);
        };
        WindowSpec.Hopping w = (WindowSpec.Hopping) BenchViews.window(window);
        CompiledView view = BenchViews.compile(BenchViews.view(functions, w));
        long size = w.size().toMillis();
        long hop = w.hop().toMillis();
        boolean sliding = hop == 1;
        int events = sliding ? (int) (size / SLIDING_EVENT_GAP_MS) : (int) (size / hop) * EVENTS_PER_TILE;
        long gap = sliding ? SLIDING_EVENT_GAP_MS : hop / EVENTS_PER_TILE;

        // One card; other fields (amounts, merchants) from the fraud generator.
        EventBatch batch = FraudEvents.build(view.schema(), events, 1, START, size, false, 42);
        key = batch.getObject(0, view.schema().indexOf("card_id"));
        state = switch (table) {
            case "tail" -> new TileTable(view, 16);
            case "at-once" -> TileTable.applyingAtOnce(view, 16);
            default -> throw new IllegalArgumentException("table must be tail or at-once: " + table);
        };
        EventBatch.Cursor row = new EventBatch.Cursor();
        long t = START;
        int skip = switch (populated) {
            case "all" -> 0;
            case "newest" -> events - (sliding ? 1 : EVENTS_PER_TILE);
            default -> throw new IllegalArgumentException("populated must be all or newest: " + populated);
        };
        for (int i = 0; i < events; i++) {
            if (i >= skip) {
                state.apply(key, row.at(batch, i), t, i);
            }
            t += gap;
        }
        events -= skip;
        // The window [START, START + size) ends exactly at the read time: every tile in it is populated.
        readTime = START + size;
        reader = state.newReader();
        out = new FeatureVector(view.features().size());
        state.read(key, readTime, out, reader);
        if (out.getLong(0) != events && functions.getFirst() == AggregationFunction.COUNT) {
            throw new IllegalStateException("window holds " + out.getLong(0) + " events, expected " + events);
        }
    }

    @Benchmark
    public FeatureVector read(Blackhole bh) {
        bh.consume(state.read(key, readTime, out, reader));
        return out;
    }
}
