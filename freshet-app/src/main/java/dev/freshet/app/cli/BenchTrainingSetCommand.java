package dev.freshet.app.cli;

import dev.freshet.app.bench.TrainingSetBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet bench training-set}: point-in-time training sets, Freshet against a DuckDB SQL peer. */
@Command(name = "training-set", mixinStandardHelpOptions = true,
        description = {"Build a point-in-time training set with Freshet and with DuckDB SQL, compare and time both.",
                "Generates fraud events into a fresh RocksDB log (and Parquet) and a Parquet spine, builds the training"
                        + " set with Freshet and with DuckDB SQL (range join, same point-in-time rule), compares every"
                        + " value, and times both. Prints progress, then one JSON object (freshet_seconds, duckdb_seconds,"
                        + " spine_rows_per_second, values_equal, ...)."})
public final class BenchTrainingSetCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    BenchHarnessOptions harness;

    @Option(names = "--source", defaultValue = "transactions", description = "Stream source (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--features", defaultValue = "card_txn:*,distance_from_last_txn_km",
            description = "Feature service or comma-separated features of one stream view and on-demand haversine_km features"
                    + " (default: ${DEFAULT-VALUE}, the fraud_model_v1 service's features).")
    String features;

    @Option(names = "--events", defaultValue = "10000000", description = "Events over 24 h (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct cards (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--spine-rows", defaultValue = "1000000", description = "Spine rows (default: ${DEFAULT-VALUE}).")
    int spineRows;

    @Option(names = "--runs", defaultValue = "1", description = "Runs of each side; medians are reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--memory-limit", defaultValue = "6GB",
            description = "DuckDB memory limit, for Freshet's spine/output handling and for the peer (default: ${DEFAULT-VALUE}).")
    String memoryLimit;

    @Option(names = "--dir", description = "Work directory for the log and Parquet files (default: a temp dir, deleted).")
    Path dir;

    @Option(names = "--keep", description = "Keep the work directory.")
    boolean keep;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || keys < 1 || spineRows < 1 || runs < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--events, --keys, --spine-rows and --runs must be >= 1");
        }
        var repository = harness.repository();
        if (repository == null) {
            return 2;
        }
        TrainingSetBench bench = new TrainingSetBench(repository,
                new TrainingSetBench.Settings(source, features, events, keys, spineRows, runs, memoryLimit, dir, keep, seed),
                harness.progress());
        harness.printResult(bench.run());
        return 0;
    }
}
