package dev.freshet.app.bench;

import dev.freshet.app.FileTrees;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.offline.FeatureSelection;
import dev.freshet.offline.PointInTimeReader;
import dev.freshet.offline.TrainingSetBuilder;
import dev.freshet.serving.features.FeaturePlan;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.storage.rocksdb.FsyncPolicy;
import dev.freshet.storage.rocksdb.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Point-in-time training sets, Freshet against DuckDB: fraud events go into a fresh RocksDB event
 * log (and the same events into Parquet), a spine of labelled transactions into Parquet (see
 * {@link TrainingSetWorkload}); then Freshet's {@link TrainingSetBuilder} and the DuckDB SQL peer
 * ({@link DuckDbTrainingSetPeer}) each build the training set, and every comparable feature of every
 * spine row is compared.
 *
 * <p>What is timed, on both sides alike: reading the stored events (Freshet: the RocksDB log,
 * replayed through the engine; DuckDB: the Parquet file), reading the Parquet spine and writing the
 * training set to Parquet. Generating the data and writing the log and the Parquet files are
 * excluded from both.
 */
public final class TrainingSetBench {
    /** Spine columns. */
    static final String ID = "txn_id";
    static final String TIMESTAMP = "ts";

    /**
     * Settings.
     *
     * @param source      the stream source the events are generated for (fraud `transactions`)
     * @param features    feature service or feature list, as {@code freshet training-set --features}
     * @param events      events generated
     * @param keys        cards
     * @param spineRows   spine rows
     * @param runs        measured runs of each side (medians reported)
     * @param memoryLimit DuckDB memory limit, both sides
     * @param workDir     where the log and files go (null: a temp dir)
     * @param keep        keep the work dir
     * @param seed        generator seed
     */
    public record Settings(String source, String features, int events, int keys, int spineRows, int runs, String memoryLimit,
                           Path workDir, boolean keep, long seed) {
        public Settings {
            if (events < 1 || keys < 1 || spineRows < 1 || runs < 1) {
                throw new IllegalArgumentException("events, keys, spine rows and runs must be >= 1");
            }
        }
    }

    private final FeatureRepository repo;
    private final Settings settings;
    private final Consumer<String> log;

    public TrainingSetBench(FeatureRepository repo, Settings settings, Consumer<String> log) {
        this.repo = repo;
        this.settings = settings;
        this.log = log;
    }

    /** Runs the benchmark and returns the result fields (JSON-ready). */
    public Map<String, Object> run() throws Exception {
        SourceSpec source = repo.source(settings.source())
                .orElseThrow(() -> new IllegalArgumentException("no source " + settings.source() + " in repository"));
        FeatureSelection selection = FeatureSelection.parse(settings.features(), repo);
        FeaturePlan plan = PointInTimeReader.resolve(repo, selection);
        if (plan.views().size() != 1) {
            throw new IllegalArgumentException("the benchmark needs features of exactly one view, got " + plan.views().size());
        }
        FeatureViewSpec view = repo.featureView(plan.views().getFirst().view()).orElseThrow();
        if (!view.source().equals(source.name())) {
            throw new IllegalArgumentException("view " + view.name() + " reads " + view.source() + ", not " + source.name());
        }
        DuckDbTrainingSetPeer peer = new DuckDbTrainingSetPeer(repo, view, source, plan.names(), outputNames(plan.names()), ID);
        log.accept(plan.names().size() + " features: " + peer);

        Path dir = settings.workDir() != null ? Files.createDirectories(settings.workDir())
                : Files.createTempDirectory("freshet-bench-training-set");
        try {
            return run(source, selection, plan, peer, dir);
        } finally {
            if (!settings.keep()) {
                FileTrees.delete(dir);
            } else {
                log.accept("kept " + dir);
            }
        }
    }

    private Map<String, Object> run(SourceSpec source, FeatureSelection selection, FeaturePlan plan, DuckDbTrainingSetPeer peer,
            Path dir) throws Exception {
        Path events = dir.resolve("events.parquet");
        Path spine = dir.resolve("spine.parquet");
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        Path freshetOut = dir.resolve("training-set-freshet.parquet");
        Path peerOut = dir.resolve("training-set-duckdb.parquet");
        StorageOptions options = StorageOptions.defaults().withFsync(FsyncPolicy.NEVER, Duration.ofMillis(100));
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir.resolve("data"), options)) {
            long t0 = System.nanoTime();
            TrainingSetWorkload.Generated g = TrainingSetWorkload.write(source, settings.events(), settings.keys(),
                    settings.spineRows(), settings.seed(), storage.eventLog(), events, spine, temp);
            double generateSeconds = (System.nanoTime() - t0) / 1e9;
            log.accept(String.format("generated %,d events over %,d cards (%,d late by up to %d s, %,d refunds) into the log and"
                            + " Parquet, and %,d spine rows, in %.1f s", g.events(), g.keys(), g.lateEvents(),
                    TrainingSetWorkload.MAX_DELAY / 1000, g.refunds(), g.spineRows(), generateSeconds));

            List<Double> freshetRuns = new ArrayList<>();
            List<Double> peerRuns = new ArrayList<>();
            TrainingSetBuilder.Result built = null;
            for (int r = 0; r < settings.runs(); r++) {
                System.gc();
                TrainingSetBuilder builder = new TrainingSetBuilder(repo, storage.eventLog(), temp, settings.memoryLimit(),
                        settings.keys());
                long f0 = System.nanoTime();
                built = builder.build(new TrainingSetBuilder.Request(spine, TIMESTAMP, selection, freshetOut), progress());
                double freshetSeconds = (System.nanoTime() - f0) / 1e9;
                freshetRuns.add(freshetSeconds);
                log.accept(String.format("run %d: Freshet %.2f s (%,d rows, %,d events replayed, %,d applied)", r + 1,
                        freshetSeconds, built.rows(), built.eventsReplayed(), built.eventsApplied()));
                System.gc();
                double peerSeconds = peer.run(events, spine, TIMESTAMP, peerOut, settings.memoryLimit(), temp);
                peerRuns.add(peerSeconds);
                log.accept(String.format("run %d: DuckDB %.2f s", r + 1, peerSeconds));
            }
            DuckDbTrainingSetPeer.Result cmp = peer.compare(freshetOut, peerOut, settings.spineRows(), temp, log);
            log.accept((cmp.equal() ? "values equal" : cmp.totalMismatches() + " mismatches") + " over " + cmp.compared().size()
                    + " features x " + cmp.matchedRows() + " rows; not compared: " + cmp.notCompared());
            log.accept("sketch features against the exact values: " + cmp.sketches());

            double freshetSeconds = median(freshetRuns);
            double peerSeconds = median(peerRuns);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "training-set");
            out.put("spine_rows", settings.spineRows());
            out.put("events", settings.events());
            out.put("keys", settings.keys());
            out.put("features", plan.names().size());
            out.put("freshet_seconds", round3(freshetSeconds));
            out.put("duckdb_seconds", round3(peerSeconds));
            out.put("spine_rows_per_second", Math.round(settings.spineRows() / freshetSeconds));
            out.put("events_per_second", Math.round(built.eventsReplayed() / freshetSeconds));
            out.put("duckdb_spine_rows_per_second", Math.round(settings.spineRows() / peerSeconds));
            out.put("values_equal", cmp.equal());
            out.put("features_compared", cmp.compared().size());
            out.put("mismatches", cmp.totalMismatches());
            out.put("mismatches_by_feature", cmp.mismatches());
            out.put("compared", cmp.compared());
            out.put("not_compared", cmp.notCompared());
            out.put("sketches_within_accuracy", cmp.sketchesWithinAccuracy());
            out.put("sketch_checks", cmp.sketches());
            out.put("rows_compared", cmp.matchedRows());
            out.put("freshet_runs_seconds", freshetRuns.stream().map(TrainingSetBench::round3).toList());
            out.put("duckdb_runs_seconds", peerRuns.stream().map(TrainingSetBench::round3).toList());
            out.put("runs", settings.runs());
            out.put("events_replayed", built.eventsReplayed());
            out.put("events_applied", built.eventsApplied());
            out.put("late_events", g.lateEvents());
            out.put("refunds", g.refunds());
            out.put("generate_seconds", round3(generateSeconds));
            out.put("timed", "each side reads its stored events (Freshet: RocksDB log replayed through the engine; DuckDB:"
                    + " Parquet) and the Parquet spine, and writes a Parquet training set; data generation and loading excluded from both");
            out.put("peer", DuckDbTrainingSetPeer.describe(temp));
            out.put("peer_formulation", "range join of spine and visible events per key, filtered aggregates grouped by spine row;"
                    + " sketch features computed exactly");
            out.put("memory_limit", settings.memoryLimit());
            out.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            out.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            return out;
        }
    }

    private TrainingSetBuilder.Progress progress() {
        long[] next = {0};
        return (done, total) -> {
            if (done >= next[0]) {
                log.accept(String.format("  Freshet: %,d / %,d spine rows", done, total));
                next[0] = done + Math.max(1, total / 5);
            }
        };
    }

    /** Output column of each feature: its bare name (the builder's rule when names do not clash). */
    private static List<String> outputNames(List<String> refs) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String ref : refs) {
            String name = ref.substring(ref.indexOf(':') + 1);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("feature name " + name + " requested twice");
            }
            names.add(name);
        }
        return names;
    }

    private static double median(List<Double> values) {
        return Median.of(values);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

}
