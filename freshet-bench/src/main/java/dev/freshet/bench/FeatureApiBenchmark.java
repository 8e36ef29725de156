package dev.freshet.bench;

import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.app.server.EngineAdapter;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.features.FeatureApi;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.storage.memory.MemoryStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The serving path's CPU cost per request without HTTP: {@link FeatureApi#features} for one card and
 * the {@code fraud_model_v1} service (JSON request bytes in, JSON response bytes out), over the
 * state {@code bench serve} preloads (10,000 cards, 100,000 events of the demo generator). Compare
 * with {@code bench serve}'s requests/s to see what the HTTP layer and load generator add.
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar FeatureApiBenchmark -prof gc     # from the project root
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class FeatureApiBenchmark {
    private static final int CARDS = 10_000;

    /** {@code service}: fraud_model_v1 (all card_txn features + on-demand distance); {@code core}: the slot features only. */
    @Param({"service", "core"})
    String request;

    private MemoryStorage storage;
    private EmbeddedEngine engine;
    private FeatureApi api;
    private byte[][] bodies;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        FeatureRepository repo = RepositoryLoader.load(Path.of("examples/fraud")).repositoryOrThrow();
        Clock clock = Clock.systemUTC();
        storage = new MemoryStorage();
        engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
        engine.awaitReady().join();
        TransactionGenerator gen = FraudPreload.load(engine, repo, CARDS, clock);
        EngineAdapter adapter = new EngineAdapter(engine);
        api = new FeatureApi(new FeaturePlanner(repo, adapter, new ExpressionCompiler()), new FeatureRetriever(adapter), 1000);
        String what = request.equals("service") ? "\"feature_service\":\"fraud_model_v1\""
                : "\"features\":[\"card_txn:txn_count_5m\",\"card_txn:txn_count_1h\",\"card_txn:amount_sum_1h\","
                + "\"card_txn:amount_avg_1h\",\"card_txn:amount_max_24h\",\"card_txn:amount_stddev_1h\",\"card_txn:last_lat\"]";
        bodies = new byte[1024][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = ("{" + what + ",\"entities\":[{\"card_id\":\"" + gen.card((i * 7919) % CARDS)
                    + "\",\"lat\":40.7,\"lon\":-74.0}]}").getBytes(StandardCharsets.UTF_8);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        storage.close();
    }

    @Benchmark
    public byte[] features() {
        return api.features(bodies[next++ & 1023], System.currentTimeMillis());
    }
}
