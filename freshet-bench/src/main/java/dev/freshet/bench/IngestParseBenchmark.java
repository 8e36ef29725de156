package dev.freshet.bench;

import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.ingest.EventParser;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ingest path's parse cost per event: {@link EventParser#parse} of a 1,000-event NDJSON body of
 * fraud transactions (the demo generator's, as {@code bench serve} posts them) into an
 * {@link EventBatch}: streaming JSON, validation against the schema, columnar append. Reported per
 * event ({@code @OperationsPerInvocation}).
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar IngestParseBenchmark -prof gc     # from the project root
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class IngestParseBenchmark {
    private static final int EVENTS = 1_000;

    private EventParser parser;
    private EventBatch batch;
    private byte[][] bodies;
    private int next;

    @Setup
    public void setUp() {
        FeatureRepository repo = RepositoryLoader.load(Path.of("examples/fraud")).repositoryOrThrow();
        Schema schema = repo.source("transactions").orElseThrow().schema();
        parser = new EventParser(schema);
        batch = new EventBatch(schema, EVENTS);
        TransactionGenerator gen = new TransactionGenerator(10_000, 2_000, 5);
        bodies = new byte[16][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = gen.ndjson(EVENTS, 1_767_225_600_000L + i * 1_000L);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int parseNdjson() {
        batch.clear();
        EventParser.Result r = parser.parse(bodies[next++ & (bodies.length - 1)], batch, 10_000);
        if (r.accepted() != EVENTS) {
            throw new IllegalStateException("rejected events: " + r.rejected());
        }
        return batch.size();
    }
}
