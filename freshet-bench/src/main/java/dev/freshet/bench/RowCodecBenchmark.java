package dev.freshet.bench;

import dev.freshet.app.demo.TransactionGenerator;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.serving.ingest.EventParser;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event log's record codec per event, both directions, on 1,000 demo-generator fraud
 * transactions: {@code encode} is what an ingest event loop does to every accepted event before the
 * log write; {@code decode} what the engine does to every record it replays (recovery, a backlog).
 *
 * <pre>
 * java -jar freshet-bench/target/benchmarks.jar RowCodecBenchmark -prof gc     # from the project root
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class RowCodecBenchmark {
    private static final int EVENTS = 1_000;

    private EventBatch parsed;
    private EventBatch decoded;
    private List<byte[]> records;

    @Setup
    public void setUp() {
        FeatureRepository repo = RepositoryLoader.load(Path.of("examples/fraud")).repositoryOrThrow();
        Schema schema = repo.source("transactions").orElseThrow().schema();
        parsed = new EventBatch(schema, EVENTS);
        byte[] body = new TransactionGenerator(10_000, 2_000, 5).ndjson(EVENTS, 1_767_225_600_000L);
        if (new EventParser(schema).parse(body, parsed, EVENTS).accepted() != EVENTS) {
            throw new IllegalStateException("the generated body did not parse");
        }
        records = RowCodec.encodeBatch(parsed, 1_767_225_600_123L, 0);
        decoded = new EventBatch(schema, EVENTS);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public List<byte[]> encode() {
        return RowCodec.encodeBatch(parsed, 1_767_225_600_123L, 0);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int decode() {
        decoded.clear();
        for (byte[] r : records) {
            RowCodec.decodeInto(r, decoded);
        }
        return decoded.size();
    }
}
