package dev.freshet.app.cli;

import dev.freshet.app.FileTrees;
import dev.freshet.app.imports.HistoricalImport;
import dev.freshet.app.imports.ImportException;
import dev.freshet.app.imports.ImportFormat;
import dev.freshet.app.imports.InvalidRowsException;
import dev.freshet.app.imports.Progress;
import dev.freshet.app.imports.RowError;
import dev.freshet.model.Durations;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StorageLockedException;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet ingest}: import historical events from a file into a source's log. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Import historical events of a source from a file into the log of a data directory.",
                "Each event gets available_at = event_time + availability delay. Formats by extension: CSV with a"
                        + " header row (.csv, .csv.gz), Parquet (.parquet), NDJSON (.ndjson, .jsonl, gzipped too). Every"
                        + " row is validated as HTTP ingest validates events; by default one invalid row fails the import"
                        + " before anything is written. Rows are appended sorted by event time. Refused if the log already"
                        + " holds events accepted after the first imported available_at: import history before live data."
                        + " The data directory must not be in use by a running server. See docs/OFFLINE.md."})
public final class IngestCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder.")
    Path repo;

    @Option(names = "--data", defaultValue = ".freshet-data", description = "Data directory (default: ${DEFAULT-VALUE}; created if absent).")
    Path data;

    @Option(names = "--source", required = true, description = "Source to import into.")
    String source;

    @Option(names = "--file", required = true, description = "Input file (.csv, .csv.gz, .parquet, .ndjson, .jsonl, .ndjson.gz, .jsonl.gz).")
    Path file;

    @Option(names = "--availability-delay",
            description = "available_at = event_time + this, e.g. 0s, 90s, 1h (default: the source's availability_delay, 0s if unset).")
    String availabilityDelay;

    @Option(names = "--batch", defaultValue = "10000", description = "Events per log append (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--skip-invalid", description = "Import the valid rows and list the invalid ones in <file>.rejected.txt.")
    boolean skipInvalid;

    @Option(names = "--ignore-extra-columns",
            description = "Leave out columns (NDJSON: fields) the source's schema does not have, instead of failing.")
    boolean ignoreExtraColumns;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Event-time range to import, [from, to); `freshet materialize` narrows it. */
    long fromEventTime = Long.MIN_VALUE;
    long toEventTime = Long.MAX_VALUE;

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

    int run(PrintWriter out, PrintWriter err) throws IOException {
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, err);
        if (r == null) {
            return 1;
        }
        Optional<SourceSpec> found = r.source(source);
        if (found.isEmpty()) {
            err.println("ingest: no source '" + source + "' in " + repo + "; its sources are "
                    + r.sources().stream().map(SourceSpec::name).toList());
            return 1;
        }
        SourceSpec s = found.get();
        Duration delay = s.availabilityDelay();
        if (availabilityDelay != null) {
            Optional<Duration> parsed = Durations.parse(availabilityDelay);
            if (parsed.isEmpty()) {
                err.println("ingest: --availability-delay '" + availabilityDelay + "' is not a duration (e.g. 0s, 500ms, 90s, 1h30m)");
                return 1;
            }
            delay = parsed.get();
        }
        if (!Files.isRegularFile(file)) {
            err.println("ingest: no such file: " + file.toAbsolutePath());
            return 1;
        }
        Path temp = Files.createTempDirectory("freshet-ingest");
        EmbeddedStorage storage = null;
        Bars bars = new Bars(err, file.getFileName().toString());
        try {
            HistoricalImport.Options options = new HistoricalImport.Options(delay, batch, skipInvalid, ignoreExtraColumns, temp,
                    fromEventTime, toEventTime);
            ImportFormat.of(file); // an unsupported extension fails before the data directory is touched
            if (Files.exists(data)) {
                storage = open(); // fails fast when a server holds the directory
            }
            HistoricalImport.Result result;
            try (HistoricalImport prepared = HistoricalImport.prepare(s, file, options, InstantSource.system(), bars)) {
                if (storage == null) {
                    storage = open();
                }
                result = prepared.appendTo(storage.eventLog(), bars);
            } finally {
                bars.done();
            }
            report(result, out, err);
            return 0;
        } catch (StorageLockedException e) {
            err.println("ingest: data directory " + data + " is in use (is `freshet serve` running on it?). Stop the server"
                    + " before importing: history must be in the log before live events. Nothing was imported.");
        } catch (InvalidRowsException e) {
            err.println("ingest: " + file.getFileName() + " has " + e.count() + " invalid " + e.unit() + (e.count() == 1 ? "" : "s")
                    + "; nothing was imported:");
            print(e.first(), e.unit(), err);
            err.println(e.count() > e.first().size() ? "  ... and " + (e.count() - e.first().size()) + " more" : "");
            err.println("Fix them, or pass --skip-invalid to import the valid " + e.unit() + "s and list the invalid ones in "
                    + file.getFileName() + ".rejected.txt.");
        } catch (ImportException | StorageException e) {
            err.println("ingest: " + e.getMessage());
        } finally {
            if (storage != null) {
                storage.close();
            }
            FileTrees.delete(temp);
        }
        return 1;
    }

    private EmbeddedStorage open() {
        // The import is one bulk write: no fsync per batch; closing the storage fsyncs the WAL.
        return EmbeddedStorage.open(data, StorageOptions.defaults().withFsync(FsyncPolicy.NEVER));
    }

    private void report(HistoricalImport.Result r, PrintWriter out, PrintWriter err) {
        if (r.rejected() > 0) {
            err.println("rejected " + r.rejected() + " " + r.unit() + (r.rejected() == 1 ? "" : "s") + ":");
            print(r.firstRejected(), r.unit(), err);
            if (r.rejected() > r.firstRejected().size()) {
                err.println("  ... and " + (r.rejected() - r.firstRejected().size()) + " more");
            }
            err.println("all listed in " + r.rejectedFile());
        }
        if (r.imported() == 0) {
            out.printf("nothing imported into source '%s': %,d %ss read from %s, %,d rejected (%.1f s)%n", r.source(),
                    r.rowsRead(), r.unit(), file.getFileName(), r.rejected(), r.seconds());
            return;
        }
        out.printf("imported %,d events into source '%s' of %s: offsets %d..%d%n", r.imported(), r.source(), data,
                r.firstOffset(), r.endOffset() - 1);
        out.printf("  %,d %ss read from %s: %,d imported, %,d rejected%s%n", r.rowsRead(), r.unit(), file.getFileName(),
                r.imported(), r.rejected(), r.rejectedFile() == null ? "" : " (listed in " + r.rejectedFile() + ")");
        out.printf("  available_at %s .. %s (event time + %s)%n", java.time.Instant.ofEpochMilli(r.firstAvailableAt()),
                java.time.Instant.ofEpochMilli(r.lastAvailableAt()), Durations.format(r.availabilityDelay()));
        out.printf("  %.1f s%n", r.seconds());
    }

    private static void print(List<RowError> errors, String unit, PrintWriter err) {
        for (RowError e : errors) {
            err.println("  " + e.describe(unit));
        }
    }


    /** One {@link ProgressBar} per phase, each ended when the next starts. */
    static final class Bars implements Progress {
        private final PrintWriter err;
        private final String name;
        private Phase phase;
        private ProgressBar bar;

        Bars(PrintWriter err, String name) {
            this.err = err;
            this.name = name;
        }

        @Override
        public void update(Phase p, long done, long total) {
            if (p != phase) {
                done();
                phase = p;
                bar = new ProgressBar(err, switch (p) {
                    case VALIDATE -> "validating " + name;
                    case APPEND -> "appending to the log";
                    case EXPORT -> "exporting " + name;
                });
            }
            bar.update(done, total);
        }

        void done() {
            if (bar != null) {
                bar.done();
            }
            bar = null;
            phase = null;
        }
    }
}
