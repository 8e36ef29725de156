package dev.freshet.bench;

import dev.freshet.aggregation.state.TileTable;
import dev.freshet.app.bench.FraudEvents;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.SourceDriver;
import dev.freshet.engine.Verdict;
import dev.freshet.model.spec.SourceSpec;
import java.nio.file.Path;
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
 * Single-writer ingest throughput of the whole fraud view: every event goes through
 * {@link SourceDriver#offer} (future-skew and lateness checks, watermark, key extraction) and is
 * applied to the {@code card_txn} tile table. Score = events per second.
 *
 * <p>The view is {@code card_txn} of the feature repository {@code examples/fraud} (parameter
 * {@code repo}, relative to the working directory), loaded and validated by
 * {@link dev.freshet.model.yaml.RepositoryLoader} and compiled as {@code freshet bench engine}
 * does. Features: {@code core} = the slot functions of {@link dev.freshet.app.bench.EngineBench#CORE}
 * (counts over 5m, 1h, 1h-hop-1m and lifetime, sum / avg / stddev over 1h, max over 24h, last
 * lat / lon), {@code all} = core plus approx_count_distinct and approx_percentile over 24h.
 *
 * <p>Events: {@value #LAP} pre-built {@link FraudEvents} (uniform over {@code keys} cards, 24 h of
 * event time with up to 3 s of out-of-orderness), accepted 5 ms after their event time as in
 * {@code freshet bench engine}. When the batch is used up the event-time column is moved forward
 * by one lap and replay continues, so tiles keep turning over; that rewrite (one store per event,
 * once per lap) is inside the measurement and is under 1% of it. Trial setup plays one full lap
 * first, so every card exists and the state is at its steady size.
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar FraudWorkloadBenchmark -f 1 -wi 3 -i 5
 * java -jar freshet-bench/target/benchmarks.jar FraudWorkloadBenchmark -p features=core -p repo=/path/to/repo
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class FraudWorkloadBenchmark {
    static final int LAP = 1 << 20;
    static final int CHUNK = 4096;
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long SPAN = 24L * 3600 * 1000;
    /** Lap-to-lap shift of event time: the span plus the generator's out-of-orderness. */
    private static final long SHIFT = SPAN + 3_000;
    private static final long ACCEPT_DELAY_MS = 5;

    @Param({"core", "all"})
    String features;

    @Param({"100000"})
    int keys;

    @Param({"examples/fraud"})
    String repo;

    private SourceDriver driver;
    private EventBatch batch;
    private final EventBatch.Cursor row = new EventBatch.Cursor();
    private int eventTime;
    private int position;
    private long seq;

    @Setup
    public void setUp() {
        if (!features.equals("core") && !features.equals("all")) {
            throw new IllegalArgumentException("features must be core or all: " + features);
        }
        BenchViews.SourceView fraud = BenchViews.load(Path.of(repo), "card_txn", features.equals("all"));
        SourceSpec source = fraud.source();
        TileTable table = new TileTable(fraud.view(), keys);
        driver = new SourceDriver(source, List.of(table), letter -> {
            throw new IllegalStateException("benchmark event dropped: " + letter);
        }, 1);
        batch = FraudEvents.build(source.schema(), LAP, keys, START, SPAN, false, 42);
        eventTime = source.eventTimeIndex();
        for (int i = 0; i < LAP / CHUNK; i++) {
            offerChunk();
        }
        if (driver.appliedCount() != LAP || table.keyCount() < keys * 0.99) {
            throw new IllegalStateException("warm-up lap applied " + driver.appliedCount() + " events to "
                    + table.keyCount() + " keys");
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public int offerChunk() {
        if (position == LAP) {
            for (int i = 0; i < LAP; i++) {
                batch.setLong(i, eventTime, batch.getLong(i, eventTime) + SHIFT);
            }
            position = 0;
        }
        int applied = 0;
        int end = position + CHUNK;
        for (int i = position; i < end; i++) {
            long t = batch.getLong(i, eventTime);
            Verdict v = driver.offer(row.at(batch, i), 0, seq++, t + ACCEPT_DELAY_MS, null);
            applied += v == Verdict.APPLIED ? 1 : 0;
        }
        position = end;
        return applied;
    }
}
