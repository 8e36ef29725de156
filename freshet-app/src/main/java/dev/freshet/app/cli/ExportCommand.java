package dev.freshet.app.cli;

import dev.freshet.app.imports.ImportException;
import dev.freshet.app.imports.LogExport;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StorageLockedException;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code freshet export}: write a source's log out as Parquet or CSV. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the event log of a source out as Parquet or CSV (by extension).",
                "Records in offset order: one column per schema field with its SQL type, then available_at (TIMESTAMP),"
                        + " log_offset (BIGINT) and partition (INTEGER). The data directory must not be in use by a running"
                        + " server. See docs/OFFLINE.md."})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--repo", required = true, description = "Feature repository folder.")
    Path repo;

    @Option(names = "--data", defaultValue = ".freshet-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--source", required = true, description = "Source whose log to export.")
    String source;

    @Option(names = "--out", required = true, description = "Output file (.parquet or .csv), replaced atomically.")
    Path out;

    @Option(names = "--from-offset", defaultValue = "0", description = "First log offset to export (default: ${DEFAULT-VALUE}).")
    long fromOffset;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(stdout, err);
        } finally {
            stdout.flush();
            err.flush();
        }
    }

    private int run(PrintWriter stdout, PrintWriter err) throws IOException {
        FeatureRepository r = RepositoryOptions.loadOrReport(repo, err);
        if (r == null) {
            return 1;
        }
        Optional<SourceSpec> found = r.source(source);
        if (found.isEmpty()) {
            err.println("export: no source '" + source + "' in " + repo + "; its sources are "
                    + r.sources().stream().map(SourceSpec::name).toList());
            return 1;
        }
        if (!Files.isDirectory(data)) {
            err.println("export: no data directory " + data);
            return 1;
        }
        Path temp = Files.createTempDirectory("freshet-export");
        IngestCommand.Bars bars = new IngestCommand.Bars(err, source);
        try (EmbeddedStorage storage = EmbeddedStorage.open(data, StorageOptions.defaults())) {
            LogExport.Result result;
            try {
                result = LogExport.run(storage.eventLog(), found.get(), fromOffset, out, temp, bars);
            } finally {
                bars.done();
            }
            if (result.rows() == 0) {
                stdout.printf("wrote %s with no events: %s%n", result.out(), whyEmpty(result, found.get()));
            } else {
                stdout.printf("wrote %s: %,d events of source '%s' (offsets %d..%d) in %.1f s%n", result.out(), result.rows(),
                        result.source(), result.fromOffset(), result.endOffset() - 1, result.seconds());
            }
            return 0;
        } catch (StorageLockedException e) {
            err.println("export: data directory " + data + " is in use (is `freshet serve` running on it?); stop it first");
        } catch (ImportException | StorageException e) {
            err.println("export: " + e.getMessage());
        } finally {
            try (Stream<Path> paths = Files.walk(temp)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 1;
    }

    /** Why an export holds no events: the log is empty, or ends before the first offset asked for. */
    private static String whyEmpty(LogExport.Result result, SourceSpec source) {
        String log = "the log of source '" + source.name() + "'";
        if (result.endOffset() > 0) {
            return log + " ends at offset " + (result.endOffset() - 1) + ", before --from-offset " + result.fromOffset();
        }
        return log + " is empty (" + (source.sourceKind() == SourceKind.BATCH ? "`freshet materialize` loads a batch source"
                : "events come from `freshet serve` over HTTP or from `freshet ingest`") + ")";
    }
}
