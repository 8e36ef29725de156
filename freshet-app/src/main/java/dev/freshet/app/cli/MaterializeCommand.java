package dev.freshet.app.cli;

import dev.freshet.app.FileTrees;
import dev.freshet.app.imports.ImportException;
import dev.freshet.app.imports.JdbcSnapshot;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.RowCodec;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.StorageLockedException;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code freshet materialize}: loads a batch source's rows into its log, incrementally by event-time
 * range, so its latest-value features are served (and joined point in time in training sets).
 */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        description = {"Load the rows of a batch source into the log, for its latest-value features.",
                "Reads its `path` option or --file (CSV or Parquet), or its JDBC table (options `jdbc_url` and `table`"
                        + " or `query`): the rows with event times in [start, end), validated like `freshet ingest`, with"
                        + " available_at = event_time + the source's availability delay. Incremental: without --start it"
                        + " continues after the latest event time already loaded; --end defaults to now. Latest-value"
                        + " features then serve the latest row per key within the view's ttl (OUTSIDE_MAX_AGE beyond it,"
                        + " NOT_FOUND without a row). The data directory must not be in use by a running server."
                        + " See docs/OFFLINE.md."})
public final class MaterializeCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder.")
    Path repo;

    @Option(names = "--data", defaultValue = ".freshet-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--source", required = true, description = "Batch source to load.")
    String source;

    @Option(names = "--file", description = "Input file (default: the source's `path` option, relative to the repository).")
    Path file;

    @Option(names = "--start", description = "First event time to load, inclusive: ISO-8601 instant or epoch ms (default: after the last loaded).")
    String start;

    @Option(names = "--end", description = "Event time to stop before, exclusive: ISO-8601 instant or epoch ms (default: now).")
    String end;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException {
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, err);
        if (r == null) {
            return 1;
        }
        Optional<SourceSpec> found = r.source(source);
        if (found.isEmpty()) {
            err.println("materialize: no source '" + source + "' in " + repo);
            return 1;
        }
        SourceSpec s = found.get();
        if (s.sourceKind() != SourceKind.BATCH) {
            err.println("materialize: source '" + source + "' is a stream source; send its events over HTTP or import history"
                    + " with `freshet ingest`");
            return 1;
        }
        Path input = file;
        boolean jdbc = input == null && JdbcSnapshot.isJdbc(s);
        if (input == null && !jdbc) {
            String path = s.options().get("path");
            if (path == null) {
                err.println("materialize: source '" + source + "' has neither a `path` nor a `jdbc_url` option; pass --file");
                return 1;
            }
            input = repo.resolve(path);
        }
        long from;
        long to;
        try {
            to = end == null ? System.currentTimeMillis() : time(end);
            from = start == null ? afterLastLoaded(s) : time(start);
        } catch (DateTimeParseException | NumberFormatException e) {
            err.println("materialize: --start/--end must be an ISO-8601 instant (2026-01-01T00:00:00Z) or epoch ms: " + e.getMessage());
            return 1;
        } catch (StorageLockedException e) {
            err.println("materialize: data directory " + data + " is in use (is `freshet serve` running on it?); stop it first");
            return 1;
        }
        if (from >= to) {
            out.printf("nothing to materialize for source '%s': range [%s, %s) is empty%n", source, Instant.ofEpochMilli(from),
                    Instant.ofEpochMilli(to));
            return 0;
        }
        Path snapshotDir = null;
        if (jdbc) {
            snapshotDir = Files.createTempDirectory("freshet-materialize");
            input = snapshotDir.resolve(source + ".parquet");
            try {
                long rows = JdbcSnapshot.write(s, from, to, input, snapshotDir);
                out.printf("read %,d rows of source '%s' over JDBC (%s)%n", rows, source, s.options().get("jdbc_url"));
            } catch (ImportException e) {
                err.println("materialize: " + e.getMessage());
                FileTrees.delete(snapshotDir);
                return 1;
            }
        }
        out.printf("materializing source '%s': event times [%s, %s) from %s%n", source,
                from == Long.MIN_VALUE ? "-inf" : Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), jdbc ? "its JDBC table" : input);
        try {
            return load(input, from, to, out, err);
        } finally {
            if (snapshotDir != null) {
                FileTrees.delete(snapshotDir);
            }
        }
    }

    private int load(Path input, long from, long to, PrintWriter out, PrintWriter err) throws IOException {
        IngestCommand ingest = new IngestCommand();
        ingest.repo = repo;
        ingest.data = data;
        ingest.source = source;
        ingest.file = input;
        ingest.batch = 10_000;
        ingest.fromEventTime = from;
        ingest.toEventTime = to;
        return ingest.run(out, err);
    }

    /** One past the latest event time loaded so far (rows are appended in event-time order), or -inf. */
    private long afterLastLoaded(SourceSpec s) {
        if (!Files.isDirectory(data)) {
            return Long.MIN_VALUE;
        }
        try (EmbeddedStorage storage = EmbeddedStorage.open(data, StorageOptions.defaults())) {
            long endOffset = storage.eventLog().endOffset(s.name());
            if (endOffset == 0) {
                return Long.MIN_VALUE;
            }
            try (LogCursor c = storage.eventLog().read(s.name(), endOffset - 1)) {
                if (!c.next()) {
                    return Long.MIN_VALUE;
                }
                EventBatch batch = new EventBatch(s.schema(), 1);
                RowCodec.decodeInto(c.record(), batch);
                return Math.addExact(batch.getLong(0, s.eventTimeIndex()), 1);
            }
        }
    }


    private static long time(String text) {
        String t = text.strip();
        return t.chars().allMatch(ch -> Character.isDigit(ch) || ch == '-') ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
    }
}
