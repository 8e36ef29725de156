package dev.freshet.bench;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.app.bench.FraudEvents;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Schema;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-event cost of {@link TileTable#apply(Object, dev.freshet.model.expr.Row, long, long)} for a
 * view with one feature: key lookup, input evaluation from an {@link EventBatch} row, and the fold
 * into the key's tile (ring slot, sparse tile list, session or lifetime accumulator), including
 * tile initialisation and eviction as time advances.
 *
 * <p>Events are fraud transactions ({@link FraudEvents}, uniform keys) pre-built in one batch of
 * {@value #BATCH} events, one invocation per batch. Event times advance strictly, {@value #STEP_MS} ms
 * apart (100 events/s of event time shared by all keys); each invocation continues where the
 * previous one stopped, so tiles keep turning over instead of replaying old ids. Per key that is
 * 100 events/s with 1 key, one every 10 s with 1000 keys, one every 1000 s with 100000 keys. Every
 * key already exists when measurement starts (trial setup applies one event to each).
 *
 * <p>Windows: {@code hopping-1h/5m} (dense ring of 12 tiles), {@code sliding-5m} (hop 1 ms: a
 * sparse list of one tile per distinct event millisecond), {@code session-30m},
 * {@code lifetime}. Inputs as in the fraud view: {@code amount}, or {@code merchant_id} for the
 * distinct counts and top_k.
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar TileTableUpdateBenchmark -f 1 -wi 3 -i 5
 * java -jar freshet-bench/target/benchmarks.jar TileTableUpdateBenchmark -p function=count,stddev -p keys=1000
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class TileTableUpdateBenchmark {
    static final int BATCH = 16_384;
    static final long STEP_MS = 10;
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Param({"count", "sum", "avg", "min", "max", "stddev", "last", "last_n", "count_distinct",
            "approx_count_distinct", "approx_percentile", "top_k"})
    String function;

    @Param({"hopping-1h/5m", "sliding-5m", "session-30m", "lifetime"})
    String window;

    @Param({"1", "1000", "100000"})
    int keys;

    private TileTable table;
    private EventBatch batch;
    private final EventBatch.Cursor row = new EventBatch.Cursor();
    private Object[] keyOf;
    /** Event time of the next batch's first event. */
    private long next;
    private long seq;

    @Setup
    public void setUp() {
        CompiledView view = BenchViews.compile(
                BenchViews.view(List.of(BenchViews.function(function)), BenchViews.window(window)));
        table = new TileTable(view, keys);
        Schema schema = view.schema();
        batch = FraudEvents.build(schema, BATCH, keys, START, BATCH * STEP_MS, false, 42);
        int card = schema.indexOf("card_id");
        keyOf = new Object[BATCH];
        for (int i = 0; i < BATCH; i++) {
            keyOf[i] = batch.getObject(i, card);
        }
        // Every key exists before measurement: one event each, times advancing as in the benchmark.
        String[] ids = FraudEvents.cardIds(keys);
        next = START;
        for (int k = 0; k < keys; k++) {
            table.apply(ids[k], row.at(batch, k % BATCH), next, seq++);
            next += STEP_MS;
        }
        if (table.keyCount() != keys) {
            throw new IllegalStateException("expected " + keys + " keys, table has " + table.keyCount());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void apply() {
        long t = next;
        long s = seq;
        for (int i = 0; i < BATCH; i++) {
            table.apply(keyOf[i], row.at(batch, i), t, s++);
            t += STEP_MS;
        }
        next = t;
        seq = s;
    }
}
