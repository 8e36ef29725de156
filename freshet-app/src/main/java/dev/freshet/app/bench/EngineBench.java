package dev.freshet.app.bench;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.SourceDriver;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.SourceSpec;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * In-process engine throughput: pre-built fraud events through the streaming driver (watermarks,
 * lateness, application) into the tile tables of every fraud feature view, single writer per key
 * partition. Measures events/s (median of several runs) and state bytes per key.
 */
public final class EngineBench {
    /** count / sum / avg / min / max / stddev / variance / first / last: the allocation-free slot path. */
    public static final Set<AggregationFunction> CORE = EnumSet.of(AggregationFunction.COUNT, AggregationFunction.SUM,
            AggregationFunction.AVG, AggregationFunction.MIN, AggregationFunction.MAX, AggregationFunction.STDDEV,
            AggregationFunction.VARIANCE, AggregationFunction.STDDEV_POP, AggregationFunction.VARIANCE_POP,
            AggregationFunction.FIRST, AggregationFunction.LAST);

    /**
     * Settings.
     *
     * @param source   stream source to load (the fraud `transactions`)
     * @param events   events per run
     * @param keys     card population
     * @param features "core" or "all"
     * @param threads  writer threads (each owns a hash partition of the keys)
     * @param runs     measured runs (the median is reported)
     * @param zipf     skewed key choice
     * @param batch    events per ingest batch (1 = one offer per event)
     * @param parsedKeys give each event its own card-id String (as parsed JSON does) instead of one
     *                 shared String per card: comparing with the stored key then reads its characters
     */
    public record Settings(String source, int events, int keys, String features, int threads, int runs, boolean zipf,
                           int batch, boolean parsedKeys) {
    }

    private final FeatureRepository repo;
    private final Settings settings;
    private final Consumer<String> log;

    public EngineBench(FeatureRepository repo, Settings settings, Consumer<String> log) {
        this.repo = repo;
        this.settings = settings;
        this.log = log;
    }

    /** Runs the benchmark and returns the result fields (JSON-ready). */
    public Map<String, Object> run() throws InterruptedException {
        SourceSpec source = repo.source(settings.source())
                .orElseThrow(() -> new IllegalArgumentException("no source " + settings.source() + " in repository"));
        List<CompiledView> views = compileViews(source);
        int featureCount = views.stream().mapToInt(v -> v.features().size()).sum();
        log.accept("compiled " + views.size() + " view(s), " + featureCount + " features ("
                + settings.features() + "): " + views.stream().flatMap(v -> v.featureNames().stream()).toList());

        long start = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
        long span = 24L * 3600 * 1000;
        int threads = settings.threads();
        EventBatch events = FraudEvents.build(source.schema(), settings.events(), settings.keys(), start, span, settings.zipf(), 42);
        if (settings.parsedKeys()) {
            int card = source.schema().indexOf("card_id");
            for (int row = 0; row < events.size(); row++) {
                events.setString(row, card, new String(((String) events.getObject(row, card)).toCharArray()));
            }
        }
        EventBatch[] parts = partition(events, source, threads);
        log.accept("built " + settings.events() + " events over " + settings.keys() + " cards ("
                + (settings.zipf() ? "zipf 1.1" : "uniform") + " keys), " + threads + " writer thread(s)");

        // Warm-up run (JIT), then measured runs on fresh state.
        runOnce(views, source, parts, Math.min(settings.events(), 2_000_000));
        List<Double> rates = new ArrayList<>();
        SourceDriver[] last = null;
        for (int r = 0; r < settings.runs(); r++) {
            long heapBefore = usedHeapAfterGc();
            Run run = runOnce(views, source, parts, Integer.MAX_VALUE);
            SourceDriver[] drivers = run.drivers();
            double seconds = run.seconds();
            double rate = settings.events() / seconds;
            rates.add(rate);
            long heapAfter = usedHeapAfterGc();
            log.accept(String.format("run %d: %.0f events/s (%.3f s), heap delta %.0f bytes/key", r + 1, rate, seconds,
                    (double) (heapAfter - heapBefore) / Math.max(1, keys(drivers))));
            last = drivers;
        }
        double median = Median.of(rates);
        long stateBytes = 0;
        long keys = keys(last);
        long applied = 0;
        for (SourceDriver d : last) {
            applied += d.appliedCount();
            for (TileTable t : d.tables()) {
                stateBytes += t.stateBytes();
            }
        }
        verifyReadable(last, start + span + 1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "engine");
        out.put("events_per_second", Math.round(median));
        out.put("runs_events_per_second", rates.stream().map(Math::round).toList());
        out.put("events", settings.events());
        out.put("applied", applied);
        out.put("keys", keys);
        out.put("features", featureCount);
        out.put("feature_set", settings.features());
        out.put("threads", threads);
        out.put("batch", settings.batch());
        out.put("key_distribution", settings.zipf() ? "zipf-1.1" : "uniform");
        out.put("key_objects", settings.parsedKeys() ? "one per event" : "one per card");
        out.put("state_bytes_per_key", keys == 0 ? 0 : stateBytes / keys);
        out.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        return out;
    }

    private List<CompiledView> compileViews(SourceSpec source) {
        ExpressionCompiler compiler = new ExpressionCompiler();
        List<CompiledView> views = new ArrayList<>();
        for (FeatureViewSpec v : repo.featureViews()) {
            if (!v.source().equals(source.name()) || v.aggregations().isEmpty()) {
                continue;
            }
            List<AggregationSpec> aggs = v.aggregations().stream()
                    .filter(a -> settings.features().equals("all") || CORE.contains(a.function()))
                    .toList();
            if (aggs.isEmpty()) {
                continue;
            }
            FeatureViewSpec selected = new FeatureViewSpec(v.name(), v.entity(), v.source(), aggs, List.of(), v.ttl(), v.tags(), v.description());
            var entity = repo.entity(v.entity()).orElseThrow();
            views.add(ViewCompiler.compile(selected, source, entity, compiler::compile));
        }
        if (views.isEmpty()) {
            throw new IllegalArgumentException("no streaming features on source " + source.name());
        }
        return views;
    }

    /** Splits events by key hash so each writer thread owns its keys (as Kafka partitions would). */
    private static EventBatch[] partition(EventBatch all, SourceSpec source, int threads) {
        if (threads == 1) {
            return new EventBatch[] {all};
        }
        int card = source.schema().indexOf("card_id");
        EventBatch[] parts = new EventBatch[threads];
        for (int p = 0; p < threads; p++) {
            parts[p] = new EventBatch(source.schema(), all.size() / threads + 16);
        }
        int fields = source.schema().size();
        for (int i = 0; i < all.size(); i++) {
            int p = Math.floorMod(all.getObject(i, card).hashCode(), threads);
            int row = parts[p].addRow();
            for (int f = 0; f < fields; f++) {
                parts[p].setObject(row, f, all.getObject(i, f));
            }
        }
        return parts;
    }

    /** A run's drivers (their state) and the seconds from starting the writer threads to the last one ending. */
    private record Run(SourceDriver[] drivers, double seconds) {
    }

    /** Builds fresh state (not timed: the tables' arrays for every key), then applies the events on the writer threads (timed). */
    private Run runOnce(List<CompiledView> views, SourceSpec source, EventBatch[] parts, int limit)
            throws InterruptedException {
        SourceDriver[] drivers = new SourceDriver[parts.length];
        CountDownLatch done = new CountDownLatch(parts.length);
        Thread[] workers = new Thread[parts.length];
        int eventTime = source.eventTimeIndex();
        for (int p = 0; p < parts.length; p++) {
            List<TileTable> tables = new ArrayList<>();
            for (CompiledView v : views) {
                tables.add(new TileTable(v, settings.keys() / parts.length + 16));
            }
            SourceDriver driver = new SourceDriver(source, tables, letter -> { }, 1);
            drivers[p] = driver;
            EventBatch batch = parts[p];
            int batchSize = settings.batch();
            workers[p] = Thread.ofPlatform().name("engine-bench-" + p).unstarted(() -> {
                int n = Math.min(limit / parts.length, batch.size());
                if (batchSize <= 1) {
                    EventBatch.Cursor row = new EventBatch.Cursor();
                    for (int i = 0; i < n; i++) {
                        row.at(batch, i);
                        // accepted 5 ms after the event: applied at once, as in a live stream
                        driver.offer(row, 0, i, batch.getLong(i, eventTime) + 5, null);
                    }
                } else {
                    for (int from = 0; from < n; from += batchSize) {
                        int to = Math.min(n, from + batchSize);
                        long accept = Long.MIN_VALUE;
                        for (int i = from; i < to; i++) {
                            accept = Math.max(accept, batch.getLong(i, eventTime));
                        }
                        // the batch is accepted 5 ms after its newest event, as an HTTP/Kafka batch would be
                        driver.offerBatch(batch, from, to, 0, from, accept + 5, null, null);
                    }
                }
                done.countDown();
            });
        }
        long t0 = System.nanoTime();
        for (Thread w : workers) {
            w.start();
        }
        done.await();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread w : workers) {
            w.join();
        }
        return new Run(drivers, seconds);
    }

    /** Reads one key per table so a broken run cannot report a number. */
    private static void verifyReadable(SourceDriver[] drivers, long t) {
        for (SourceDriver d : drivers) {
            for (TileTable table : d.tables()) {
                if (table.keyCount() == 0) {
                    throw new IllegalStateException("benchmark applied no events to " + table.view().name());
                }
                FeatureVector v = new FeatureVector(table.view().features().size());
                table.read(table.key(0), t, v, table.newReader());
            }
        }
    }

    private static long keys(SourceDriver[] drivers) {
        long k = 0;
        for (SourceDriver d : drivers) {
            k += d.tables().getFirst().keyCount();
        }
        return k;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
