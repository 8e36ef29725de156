package dev.freshet.app.cli;

import dev.freshet.app.FileTrees;
import dev.freshet.model.FeatureRepository;
import dev.freshet.offline.FeatureSelection;
import dev.freshet.offline.TrainingSetBuilder;
import dev.freshet.offline.io.SpineException;
import dev.freshet.serving.features.RequestException;
import dev.freshet.storage.StorageLockedException;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code freshet training-set}: a point-in-time training set from the event log of a data directory. */
@Command(name = "training-set", mixinStandardHelpOptions = true,
        description = {"Build a point-in-time training set from the event log of a data directory.",
                "For every spine row (entity keys, timestamp T, optional label and other columns, passed through): the"
                        + " features exactly as the server returned them at T — only events with event_time < T and"
                        + " available_at <= T, replayed from the log through the serving code. One output row per spine row,"
                        + " in spine order, with a <feature>__status column per feature. Spine and output: CSV or Parquet"
                        + " (by extension). The data directory must not be in use by a running server (use"
                        + " POST /v1/training-sets there). See docs/OFFLINE.md."})
public final class TrainingSetCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder.")
    Path repo;

    @Option(names = "--data", defaultValue = ".freshet-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--spine", required = true, description = "Spine file (.csv, .csv.gz or .parquet).")
    Path spine;

    @Option(names = "--timestamp-column", defaultValue = "timestamp",
            description = "Spine column with each row's time T: TIMESTAMP, DATE or epoch milliseconds (default: ${DEFAULT-VALUE}).")
    String timestampColumn;

    @Option(names = "--features", required = true,
            description = "A feature service name, or comma-separated features (view:feature, on-demand names).")
    String features;

    @Option(names = "--out", required = true, description = "Output file (.parquet or .csv).")
    Path out;

    @Option(names = "--memory-limit", defaultValue = "2GB", description = "DuckDB memory limit before it spills to disk (default: ${DEFAULT-VALUE}).")
    String memoryLimit;

    @Option(names = "--partitions", defaultValue = "1",
            description = "Replay in this many entity partitions, one pass each, holding ~1/N of the state at a time"
                    + " (for more entities than fit the heap; default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", description = "Replay passes run at the same time, each over its own entity partition"
            + " (default: the number of processors; the partitions are raised to at least this).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--expected-keys", defaultValue = "100000",
            description = "Initial capacity of each view's key index, in entities: a sizing hint, the index grows past it"
                    + " (default: ${DEFAULT-VALUE}).")
    int expectedKeys;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sameFile(this.out, spine)) {
            throw new ParameterException(spec.commandLine(), "--out " + this.out + " is the spine file: it would be overwritten;"
                    + " write the training set to another file");
        }
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, err);
        if (r == null) {
            return 1;
        }
        if (!Files.isDirectory(data)) {
            err.println("no data directory " + data + " (run `freshet serve --data " + data + "` or `freshet ingest` first)");
            err.flush();
            return 1;
        }
        // before the replay, which may take long: the output is written only at its end
        String unwritable = unwritable(this.out);
        if (unwritable != null) {
            err.println("training-set: cannot write " + this.out + ": " + unwritable);
            err.flush();
            return 1;
        }
        try (FileTrees.TempDir temp = FileTrees.tempDir("freshet-training-set");
             EmbeddedStorage storage = EmbeddedStorage.open(data, StorageOptions.defaults())) {
            TrainingSetBuilder builder = new TrainingSetBuilder(r, storage.eventLog(), temp.path(), memoryLimit, expectedKeys);
            ProgressBar bar = new ProgressBar(err, "training set");
            TrainingSetBuilder.Result result;
            try {
                result = builder.build(new TrainingSetBuilder.Request(spine, timestampColumn, FeatureSelection.parse(features, r),
                        this.out, partitions, threads), bar::update);
            } finally {
                bar.done(); // an error goes on its own line, not after the bar
            }
            out.printf("wrote %s: %,d rows, features %s; replayed %,d events (%,d applied) in %.1f s%n", result.out(),
                    result.rows(), result.featureColumns(), result.eventsReplayed(), result.eventsApplied(), result.seconds());
            out.flush();
            return 0;
        } catch (StorageLockedException e) {
            err.println("data directory " + data + " is in use (is `freshet serve` running on it?): use POST /v1/training-sets on the server instead");
        } catch (SpineException | IllegalArgumentException | RequestException e) {
            err.println("training-set: " + e.getMessage());
        } catch (UncheckedIOException e) {
            err.println("training-set: " + FileErrors.describe(e));
        }
        err.flush();
        return 1;
    }

    /** Whether both name the same existing file (through links, relative paths or case-insensitive names). */
    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * Null when {@code file} can be written (its directory is made if missing, as the writer would),
     * else why not. Tried for real, with a file created and deleted next to it: permission bits do
     * not tell (root, read-only or virtual file systems such as /proc).
     */
    private static String unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return FileErrors.reason(e);
        }
        try {
            Files.delete(Files.createTempFile(dir, ".freshet-write-check-", ".tmp"));
            return null;
        } catch (IOException e) {
            return "cannot create files in " + dir;
        }
    }

}
