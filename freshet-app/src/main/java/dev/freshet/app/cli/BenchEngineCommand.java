package dev.freshet.app.cli;

import dev.freshet.app.bench.EngineBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet bench engine}: in-process aggregation throughput on the fraud workload. */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"Apply pre-built fraud events through the streaming driver into the tile state, in process.",
                "Prints progress, then one JSON object (events_per_second, events, keys, features, threads,"
                        + " state_bytes_per_key, ...)."})
public final class BenchEngineCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchHarnessOptions harness;

    @Option(names = "--source", defaultValue = "transactions", description = "Stream source (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--events", defaultValue = "10000000", description = "Events per run (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct cards (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--features", defaultValue = "core",
            description = "core = count/sum/avg/min/max/stddev/first/last features; all = every streaming feature, sketches included (default: ${DEFAULT-VALUE}).")
    String features;

    @Option(names = "--threads", defaultValue = "1", description = "Writer threads, each owning a key partition (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--batch", defaultValue = "1000",
            description = "Events per ingest batch, applied with staged prefetching; 1 = one event at a time (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--zipf", description = "Zipf-skewed key choice (s = 1.1) instead of uniform.")
    boolean zipf;

    @Option(names = "--parsed-keys",
            description = "Give every event its own card-id String, as events parsed from JSON have (default: one String per card).")
    boolean parsedKeys;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!features.equals("core") && !features.equals("all")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--features must be core or all");
        }
        var repository = harness.repository();
        if (repository == null) {
            return 2;
        }
        EngineBench bench = new EngineBench(repository,
                new EngineBench.Settings(source, events, keys, features, threads, runs, zipf, batch, parsedKeys), harness.progress());
        harness.printResult(bench.run());
        return 0;
    }
}
