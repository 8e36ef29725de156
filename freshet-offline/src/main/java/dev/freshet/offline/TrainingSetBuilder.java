package dev.freshet.offline;

import dev.freshet.aggregation.Status;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
     *                        threads/partitions of all keys' (for more entities than fit the heap)
     * @param threads         passes run at the same time (each on its own thread, with its own
     *                        share of the keys); more threads than partitions raise the partitions
     */
    public record Request(Path spine, String timestampColumn, FeatureSelection features, Path out, int partitions,
                          int threads) {
        public Request {
            Objects.requireNonNull(spine, "spine");
            Objects.requireNonNull(timestampColumn, "timestampColumn");
            Objects.requireNonNull(features, "features");
            Objects.requireNonNull(out, "out");
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + threads);
            }
            partitions = Math.max(partitions, threads);
        }

        /** A request replayed in one pass per available processor. */
        public Request(Path spine, String timestampColumn, FeatureSelection features, Path out) {
            this(spine, timestampColumn, features, out, 1, Runtime.getRuntime().availableProcessors());
        }
    }

    /** What was built. */
    public record Result(Path out, long rows, List<String> featureColumns, long eventsReplayed, long eventsApplied,
                         double seconds) {
    }

    /**
     * Progress callback: rows written of the spine's rows, at the start, every {@value #PROGRESS_EVERY}
     * rows and at the end. Called on the thread that called {@link #build}.
     */
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
        int passes = request.partitions();
        List<String> required = requiredColumns(plan);
        Set<String> text = textColumns(plan);
        SpineReader first = SpineReader.open(request.spine(), request.timestampColumn(), required, text, tempDir, memoryLimit);
        long total = first.rowCount();
        Map<List<Field>, Set<Object>> keysToRead;
        try {
            keysToRead = spineKeys(request, plan, text, first.columns());
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        progress.rows(0, total);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(request.threads(), passes),
                Thread.ofPlatform().name("freshet-training-set-", 0).daemon(true).factory());
        long replayed = 0;
        long applied = 0;
        long done = 0;
        // DuckDB's appender belongs to the thread that made it: passes hand rows to this thread
        BlockingQueue<Object[][]> queue = new ArrayBlockingQueue<>(64);
        try (TrainingSetWriter writer = TrainingSetWriter.create(request.out(), first.columns(), outputs, tempDir, memoryLimit)) {
            Consumer<Object[][]> write = rows -> {
                try {
                    queue.put(rows);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while handing rows to the writer", e);
                }
            };
            List<Future<long[]>> results = new ArrayList<>();
            for (int p = 0; p < passes; p++) {
                int partition = p;
                results.add(pool.submit(() -> {
                    try (PointInTimeReader reader = new PointInTimeReader(repo, log, request.features(), expectedKeys, partition, passes,
                            keysToRead);
                         SpineReader spine = partition == 0 ? first
                                 : SpineReader.open(request.spine(), request.timestampColumn(), required, text, tempDir,
                                         memoryLimit)) {
                        long written = pass(request, reader, spine, write, passes);
                        return new long[] {written, reader.eventsReplayed(), reader.eventsApplied()};
                    } finally {
                        queue.put(END);
                    }
                }));
            }
            int ended = 0;
            long writtenRows = 0;
            while (ended < passes) {
                Object[][] rows = take(queue);
                if (rows == END) {
                    ended++;
                    continue;
                }
                for (Object[] row : rows) {
                    writer.write((Long) row[0], (Object[]) row[1], (Object[]) row[2], (Status[]) row[3]);
                }
                long before = writtenRows;
                writtenRows += rows.length;
                if (writtenRows / PROGRESS_EVERY != before / PROGRESS_EVERY && writtenRows < total) {
                    progress.rows(writtenRows, total);
                }
            }
            for (Future<long[]> f : results) {
                long[] r = join(f);
                done += r[0];
                replayed = Math.max(replayed, r[1]);
                applied = Math.max(applied, r[2]); // every pass judges every event
            }
            if (done != total) {
                throw new IllegalStateException("partitioned passes wrote " + done + " of " + total + " spine rows");
            }
            writer.finish();
        } finally {
            stopPasses(pool, queue);
            first.close(); // only once no pass reads it any more: pass 0 reads this very connection
        }
        progress.rows(done, total);
        return new Result(request.out(), done, outputs.stream().map(OutputColumn::name).toList(), replayed, applied,
                (System.nanoTime() - started) / 1e9);
    }

    /** Distinct entities of the spine up to which replays skip the events of entities it does not read. */
    static final long MAX_SPINE_KEYS = 2_000_000;

    /**
     * The spine's entity keys per join-key list of the views read, so replays apply only the events
     * of entities some row reads (a spine over a few cards of a big log replays mostly judging, not
     * aggregating). A join-key list gets no entry — every key kept — when the spine has more than
     * {@link #MAX_SPINE_KEYS} distinct values or a value that is not a valid key (the pass then
     * reports that row).
     */
    private Map<List<Field>, Set<Object>> spineKeys(Request request, FeaturePlan plan, Set<String> textColumns,
                                                    List<SpineColumn> columns) {
        Set<String> integersAsText = new HashSet<>();
        columns.stream().filter(SpineColumn::integerAsText).forEach(c -> integersAsText.add(c.name()));
        Map<List<Field>, Set<Object>> out = new HashMap<>();
        for (FeaturePlan.ViewRead view : plan.views()) {
            List<Field> joinKeys = view.joinKeys();
            if (out.containsKey(joinKeys)) {
                continue;
            }
            List<String> names = joinKeys.stream().map(Field::name).toList();
            List<Object[]> rows = SpineReader.distinct(request.spine(), names, textColumns, MAX_SPINE_KEYS, tempDir,
                    memoryLimit);
            if (rows == null) {
                continue;
            }
            Set<Object> keys = new HashSet<>(Math.max(16, rows.size() * 2));
            Map<String, Object> entity = new HashMap<>();
            try {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        entity.put(names.get(i), entityValue(integersAsText.contains(names.get(i)), row[i]));
                    }
                    keys.add(FeatureRetriever.key(joinKeys, entity, ""));
                }
            } catch (RequestException e) {
                continue;
            }
            out.put(joinKeys, keys);
        }
        return out;
    }

    /** Marks the end of one pass's rows in the writer's queue. */
    private static final Object[][] END = new Object[0][];

    private static Object[][] take(BlockingQueue<Object[][]> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the training set", e);
        }
    }

    /**
     * Interrupts the passes and waits until they have ended, emptying the queue meanwhile (after a
     * failure of the writer a pass may be blocked handing it rows, or its end mark), so the spine
     * reader they share is never closed under one of them. Gives up after a minute.
     */
    private static void stopPasses(ExecutorService pool, BlockingQueue<Object[][]> queue) {
        pool.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try {
            while (!pool.awaitTermination(10, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                queue.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long[] join(Future<long[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the training set", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Rows handed to the writer at once (fewer turns on its lock). */
    private static final int WRITE_BATCH = 512;

    /** One replay pass over the spine: the rows of its entity partition; returns how many. */
    private static long pass(Request request, PointInTimeReader reader, SpineReader spine, Consumer<Object[][]> write,
                             int passes) {
        List<SpineColumn> columns = spine.columns();
        boolean[] integerAsText = new boolean[columns.size()];
        for (int c = 0; c < integerAsText.length; c++) {
            integerAsText[c] = columns.get(c).integerAsText();
        }
        Map<String, Object> entity = new HashMap<>();
        long written = 0;
        Object[][] pending = new Object[WRITE_BATCH][];
        int n = 0;
        while (spine.next()) {
            Object[] values = new Object[columns.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = spine.value(c);
                entity.put(columns.get(c).name(), entityValue(integerAsText[c], values[c]));
            }
            try {
                if (passes == 1 || reader.inPartition(entity, "")) {
                    long t = spine.timestampMillis();
                    reader.advanceTo(t);
                    FeatureRetriever.Row row = reader.read(entity, t, "");
                    pending[n++] = new Object[] {spine.rowNumber(), values, row.values(), row.statuses()};
                    if (n == WRITE_BATCH) {
                        write.accept(pending);
                        pending = new Object[WRITE_BATCH][];
                        n = 0;
                    }
                    written++;
                }
            } catch (RequestException e) {
                throw new SpineException(request.spine().getFileName() + ", row " + (spine.rowNumber() + 1) + ": "
                        + e.getMessage());
            }
        }
        if (n > 0) {
            write.accept(java.util.Arrays.copyOf(pending, n));
        }
        return written;
    }

    /**
     * A spine value as the serving path's entity map holds it: the text of an integer DuckDB carries
     * as text (UBIGINT, HUGEINT, UHUGEINT) becomes a Long when it fits one, as the JSON number would.
     */
    private static Object entityValue(boolean integerAsText, Object v) {
        if (integerAsText && v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return v;
    }

    /**
     * The join keys and request fields of type string: a CSV spine holds them as text, so a string
     * key {@code 123} is the string "123" (as {@code {"card_id": "123"}} over HTTP), not a number.
     * Other types keep DuckDB's inference, which gives the serving path's JSON types (BIGINT for
     * int64, DOUBLE or BIGINT for float64, BOOLEAN, TIMESTAMP or BIGINT for timestamp).
     */
    private static Set<String> textColumns(FeaturePlan plan) {
        Set<String> names = new HashSet<>();
        for (FeaturePlan.ViewRead v : plan.views()) {
            v.joinKeys().stream().filter(f -> f.type() == FieldType.STRING).forEach(f -> names.add(f.name()));
        }
        plan.requestFields().stream().filter(f -> f.type() == FieldType.STRING).forEach(f -> names.add(f.name()));
        return names;
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
