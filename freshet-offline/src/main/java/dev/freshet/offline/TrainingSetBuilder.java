package dev.freshet.offline;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.offline.io.OutputColumn;
import dev.freshet.offline.io.SpineColumn;
import dev.freshet.offline.io.SpineException;
import dev.freshet.offline.io.SpineReader;
import dev.freshet.offline.io.TrainingSetWriter;
import dev.freshet.serving.features.FeaturePlan;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.features.RequestException;
import dev.freshet.storage.EventLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a point-in-time training set: reads the spine through DuckDB sorted by (timestamp, spine
 * row), walks it with one {@link PointInTimeReader} (the log is replayed once, in step with the
 * spine), and writes one output row per spine row, in spine order, through DuckDB.
 *
 * <p>Memory: the spine sort and the output re-ordering run inside DuckDB, which spills to
 * {@code tempDir} beyond its memory limit; the log is streamed; what stays on the heap is the
 * replayed tile state (bounded per key).
 */
public final class TrainingSetBuilder {
    /** Rows between progress reports. */
    private static final int PROGRESS_EVERY = 10_000;

    private final FeatureRepository repo;
    private final EventLog log;
    private final Path tempDir;
    private final String memoryLimit;
    private final int expectedKeys;

    /**
     * @param tempDir     where DuckDB spills sorts and stages the output
     * @param memoryLimit DuckDB's memory limit, e.g. {@code "1GB"}
     */
    public TrainingSetBuilder(FeatureRepository repo, EventLog log, Path tempDir, String memoryLimit, int expectedKeys) {
        this.repo = Objects.requireNonNull(repo, "repo");
        this.log = Objects.requireNonNull(log, "log");
        this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
        this.memoryLimit = Objects.requireNonNull(memoryLimit, "memoryLimit");
        this.expectedKeys = expectedKeys;
    }

    /**
     * What to build.
     *
     * @param spine           CSV or Parquet file: entity join keys, the timestamp column, optional
     *                        label and any other columns (passed through), request fields of
     *                        on-demand features
     * @param timestampColumn the spine column holding each row's read time {@code T}
     * @param out             {@code .parquet} or {@code .csv}
     * @param partitions      entity partitions, one replay pass each: the state held at once is about
     *                        1/partitions of all keys' (for more entities than fit the heap)
     */
    public record Request(Path spine, String timestampColumn, FeatureSelection features, Path out, int partitions) {
        public Request {
            Objects.requireNonNull(spine, "spine");
            Objects.requireNonNull(timestampColumn, "timestampColumn");
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(out, "out");
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
        }

        /** A request replayed in one pass. */
        public Request(Path spine, String timestampColumn, FeatureSelection features, Path out) {
            this(spine, timestampColumn, features, out, 1);
        }
    }

    /** What was built. */
    public record Result(Path out, long rows, List<String> featureColumns, long eventsReplayed, long eventsApplied,
                         double seconds) {
    }

    /** Progress callback: rows done of the spine's total, every {@value #PROGRESS_EVERY} rows and at the end. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void rows(long done, long total);
    }

    /**
     * Builds the training set.
     *
     * @throws IllegalArgumentException  for unknown features or services
     * @throws SpineException            for a spine that cannot be used (the message says where)
     * @throws RequestException          never: a spine row's missing or mistyped key is a SpineException
     */
    public Result build(Request request, Progress progress) {
        long started = System.nanoTime();
        FeaturePlan plan = PointInTimeReader.resolve(repo, request.features());
        List<OutputColumn> outputs;
        try (PointInTimeReader probe = new PointInTimeReader(repo, log, request.features(), 16)) {
            outputs = outputColumns(plan.names(), probe.outputTypes());
        }
        long replayed = 0;
        long applied = 0;
        long done = 0;
        int passes = request.partitions();
        List<String> required = requiredColumns(plan);
        TrainingSetWriter writer = null;
        try {
            for (int p = 0; p < passes; p++) {
                try (PointInTimeReader reader = new PointInTimeReader(repo, log, request.features(), expectedKeys, p, passes);
                     SpineReader spine = SpineReader.open(request.spine(), request.timestampColumn(), required, tempDir, memoryLimit)) {
                    if (writer == null) {
                        writer = TrainingSetWriter.create(request.out(), spine.columns(), outputs, tempDir, memoryLimit);
                    }
                    done += pass(request, reader, spine, writer, p, passes, done, progress);
                    replayed = Math.max(replayed, reader.eventsReplayed());
                    applied += reader.eventsApplied();
                }
            }
            writer.finish();
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        progress.rows(done, done);
        return new Result(request.out(), done, outputs.stream().map(OutputColumn::name).toList(), replayed, applied,
                (System.nanoTime() - started) / 1e9);
    }

    /** One replay pass over the spine: the rows of entity partition {@code p}; returns how many. */
    private static long pass(Request request, PointInTimeReader reader, SpineReader spine, TrainingSetWriter writer, int p,
                             int passes, long before, Progress progress) {
        List<SpineColumn> columns = spine.columns();
        Object[] values = new Object[columns.size()];
        Map<String, Object> entity = new HashMap<>();
        long total = spine.rowCount();
        long seen = 0;
        long written = 0;
        while (spine.next()) {
            for (int c = 0; c < values.length; c++) {
                values[c] = spine.value(c);
                entity.put(columns.get(c).name(), values[c]);
            }
            seen++;
            try {
                if (passes == 1 || reader.inPartition(entity, "")) {
                    long t = spine.timestampMillis();
                    reader.advanceTo(t);
                    FeatureRetriever.Row row = reader.read(entity, t, "");
                    writer.write(spine.rowNumber(), values, row.values(), row.statuses());
                    written++;
                }
            } catch (RequestException e) {
                throw new SpineException(request.spine().getFileName() + ", row " + (spine.rowNumber() + 1) + ": "
                        + e.getMessage());
            }
            if (seen % PROGRESS_EVERY == 0) {
                progress.rows((long) p * total + seen, (long) passes * total);
            }
        }
        if (p == passes - 1 && before + written != total) {
            throw new IllegalStateException("partitioned passes wrote " + (before + written) + " of " + total + " spine rows");
        }
        return written;
    }

    /** Join keys of every view read, then request fields of on-demand features. */
    private static List<String> requiredColumns(FeaturePlan plan) {
        Set<String> names = new LinkedHashSet<>();
        for (FeaturePlan.ViewRead v : plan.views()) {
            v.joinKeys().forEach(f -> names.add(f.name()));
        }
        for (Field f : plan.requestFields()) {
            names.add(f.name());
        }
        return List.copyOf(names);
    }

    /**
     * Output column per feature: the feature's own name ({@code txn_count_5m}), or
     * {@code view__feature} for names two requested views share.
     */
    static List<OutputColumn> outputColumns(List<String> names, List<FieldType> types) {
        Set<String> seen = new HashSet<>();
        Set<String> clashing = new HashSet<>();
        for (String n : names) {
            if (!seen.add(shortName(n))) {
                clashing.add(shortName(n));
            }
        }
        List<OutputColumn> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String s = shortName(n);
            out.add(new OutputColumn(clashing.contains(s) ? n.replace(":", "__") : s, types.get(i)));
        }
        return out;
    }

    private static String shortName(String ref) {
        int colon = ref.indexOf(':');
        return colon < 0 ? ref : ref.substring(colon + 1);
    }
}
