package dev.freshet.offline;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.FeatureDef;
import dev.freshet.engine.StreamingViews;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.serving.features.FeaturePlan;
import dev.freshet.serving.features.FeaturePlanner;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.serving.features.FeatureSource;
import dev.freshet.storage.EventLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The offline driver: answers "what would {@code POST /v1/features} have returned at time T" from
 * the event log alone. It replays the log of every source the requested features read (see
 * {@link SourceReplay}) up to each read time, then runs the serving path's own
 * {@link FeaturePlanner} and {@link FeatureRetriever} over the replayed tile tables — the same
 * aggregators, tile math, statuses and on-demand expressions — so a training set agrees with what
 * the server returned, bit for bit.
 *
 * <p>Point in time: at read time {@code T} only events with {@code available_at <= T} have been
 * offered and only those with {@code event_time < T} are in the tables (the driver holds the rest),
 * and every window excludes events at exactly {@code T} (DESIGN §3).
 *
 * <p>Read times must not decrease (callers sort the spine by time). Not thread-safe. Memory: the
 * tables of the replayed sources (bounded per key, see AGGREGATION.md); the log is streamed.
 */
public final class PointInTimeReader implements AutoCloseable {
    private final FeaturePlan plan;
    private final FeatureRetriever retriever;
    private final List<SourceReplay> replays = new ArrayList<>();
    private final Map<String, SourceReplay> byView = new LinkedHashMap<>();
    private final Map<String, CompiledView> views = new LinkedHashMap<>();
    private final int partition;
    private final int partitions;

    /**
     * @param features a feature service name, or feature references ({@code view:feature} and
     *                 on-demand names) — exactly as {@code POST /v1/features} takes them
     * @throws IllegalArgumentException for unknown features or services (the message says which)
     */
    public PointInTimeReader(FeatureRepository repo, EventLog log, FeatureSelection features, int expectedKeys) {
        this(repo, log, features, expectedKeys, 0, 1);
    }

    /**
     * A reader for one entity partition: the tables of the first view read (and of every view of
     * the same entity) keep only keys with {@code partitionOf(key) == partition}, so a pass holds
     * about 1/{@code partitions} of the state. Every event is still judged, so verdicts are those of
     * a full replay. Read only rows {@link #inPartition in} the partition.
     */
    public PointInTimeReader(FeatureRepository repo, EventLog log, FeatureSelection features, int expectedKeys,
                             int partition, int partitions) {
        this(repo, log, features, expectedKeys, partition, partitions, Map.of());
    }

    /**
     * As {@link #PointInTimeReader(FeatureRepository, EventLog, FeatureSelection, int, int, int)}, and
     * a view read with join keys {@code J} applies events only to the keys in {@code keysToRead.get(J)}
     * when there is such an entry (the entities the caller will read: events of other entities
     * cannot change what it reads, and every event is still judged).
     */
    public PointInTimeReader(FeatureRepository repo, EventLog log, FeatureSelection features, int expectedKeys,
                             int partition, int partitions, Map<List<Field>, Set<Object>> keysToRead) {
        if (partitions < 1 || partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " of " + partitions);
        }
        this.partition = partition;
        this.partitions = partitions;
        Map<String, List<CompiledView>> bySource = StreamingViews.compile(repo);
        List<CompiledView> all = bySource.values().stream().flatMap(List::stream).toList();
        all.forEach(v -> views.put(v.name(), v));
        FeaturePlanner planner = new FeaturePlanner(repo, new Source(all), new ExpressionCompiler());
        this.plan = features.service() != null ? planner.forService(features.service()) : planner.forFeatures(features.refs());
        List<String> needed = plan.views().stream().map(FeaturePlan.ViewRead::view).toList();
        for (SourceSpec source : repo.sources()) {
            List<CompiledView> views = bySource.get(source.name());
            if (views.stream().noneMatch(v -> needed.contains(v.name()))) {
                continue;
            }
            // The whole table set of the source, as the engine keeps it: its verdicts depend on it.
            SourceReplay replay = new SourceReplay(source, views, log, expectedKeys / partitions + 16);
            if (partitions > 1 || !keysToRead.isEmpty() || !needed.containsAll(views.stream().map(CompiledView::name).toList())) {
                replay.driver().keepOnly(keepFilters(views, needed, partition, partitions, keysToRead));
            }
            replays.add(replay);
            for (CompiledView v : views) {
                byView.put(v.name(), replay);
            }
        }
        this.retriever = new FeatureRetriever(new Source(all));
    }

    /**
     * Resolves the features without replaying anything (to validate a request up front).
     *
     * @throws dev.freshet.serving.features.RequestException for unknown features or services
     */
    public static FeaturePlan resolve(FeatureRepository repo, FeatureSelection features) {
        List<CompiledView> all = StreamingViews.compile(repo).values().stream().flatMap(List::stream).toList();
        FeaturePlanner planner = new FeaturePlanner(repo, new FeatureSource() {
            @Override
            public List<CompiledView> views() {
                return all;
            }

            @Override
            public boolean read(String view, Object key, long t, FeatureVector out) {
                throw new UnsupportedOperationException("resolving only");
            }
        }, new ExpressionCompiler());
        return features.service() != null ? planner.forService(features.service()) : planner.forFeatures(features.refs());
    }

    /**
     * Which keys each table of a source keeps: views no feature reads keep none (they are there for
     * the verdicts only); views read with the first view's join keys keep this partition's keys;
     * other views keep every key.
     */
    private List<Predicate<Object>> keepFilters(List<CompiledView> views, List<String> needed, int partition, int partitions,
                                                Map<List<Field>, Set<Object>> keysToRead) {
        List<Field> firstKeys = plan.views().getFirst().joinKeys();
        List<Predicate<Object>> keep = new ArrayList<>();
        for (CompiledView v : views) {
            List<Field> readWith = plan.views().stream().filter(r -> r.view().equals(v.name())).findFirst()
                    .map(FeaturePlan.ViewRead::joinKeys).orElse(null);
            if (!needed.contains(v.name())) {
                keep.add(key -> false);
                continue;
            }
            Set<Object> read = keysToRead.get(readWith);
            boolean split = partitions > 1 && readWith.equals(firstKeys);
            if (split && read != null) {
                keep.add(key -> partitionOf(key, partitions) == partition && read.contains(key));
            } else if (split) {
                keep.add(key -> partitionOf(key, partitions) == partition);
            } else if (read != null) {
                keep.add(read::contains);
            } else {
                keep.add(null);
            }
        }
        return keep;
    }

    /** The partition ({@code 0..partitions-1}) of an entity key: a stable hash, the same in every pass. */
    public static int partitionOf(Object key, int partitions) {
        int h = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), partitions);
    }

    /** Whether this reader's partition holds the row's key of the first view read. */
    public boolean inPartition(Map<String, Object> entity, String pointer) {
        if (partitions == 1 || plan.views().isEmpty()) {
            return partition == 0;
        }
        return partitionOf(FeatureRetriever.key(plan.views().getFirst().joinKeys(), entity, pointer), partitions) == partition;
    }

    /** The resolved features: output names in request order, views read, request fields needed. */
    public FeaturePlan plan() {
        return plan;
    }

    /**
     * The type of each output column in plan order: a windowed feature's result type, an on-demand
     * feature's declared type; {@code null} for list-valued features (last_n, top_k).
     */
    public List<FieldType> outputTypes() {
        List<FieldType> types = new ArrayList<>();
        for (FeaturePlan.Column c : plan.columns()) {
            types.add(switch (c) {
                case FeaturePlan.Windowed w -> {
                    CompiledView view = views.get(plan.views().get(w.viewSlot()).view());
                    FeatureDef f = view.features().get(w.feature());
                    yield f.function() == AggregationFunction.COUNT
                            ? FieldType.INT64
                            : f.function().resultType(view.inputs().get(f.input()).type()).orElse(null);
                }
                case FeaturePlan.OnDemand od -> od.expr().type();
            });
        }
        return types;
    }

    /** Replays every needed source up to read time {@code t} (non-decreasing across calls). */
    public void advanceTo(long t) {
        for (SourceReplay r : replays) {
            r.advanceTo(t);
        }
    }

    /**
     * The served row for one entity at read time {@code t}, after {@link #advanceTo(long) advanceTo(t)}.
     *
     * @param entity join keys and request fields by name (String, Long, Double, Boolean)
     * @throws dev.freshet.serving.features.RequestException if a join key is missing or mistyped
     */
    public FeatureRetriever.Row read(Map<String, Object> entity, long t, String pointer) {
        return retriever.retrieve(plan, entity, t, pointer);
    }

    /** Log records offered so far, over all replayed sources. */
    public long eventsReplayed() {
        long n = 0;
        for (SourceReplay r : replays) {
            n += r.replayed();
        }
        return n;
    }

    /** Keys held in the tile table of {@code view} (for tests and progress: partitions bound it). */
    public int keysHeld(String view) {
        SourceReplay r = byView.get(view);
        return r == null ? 0 : r.table(view).keyCount();
    }

    /** Events applied so far (accepted and not held), over all replayed sources. */
    public long eventsApplied() {
        long n = 0;
        for (SourceReplay r : replays) {
            n += r.driver().appliedCount();
        }
        return n;
    }

    @Override
    public void close() {
        for (SourceReplay r : replays) {
            r.close();
        }
    }

    /** Serves reads from the replayed tables. */
    private final class Source implements FeatureSource {
        private final List<CompiledView> views;

        Source(List<CompiledView> views) {
            this.views = views;
        }

        @Override
        public List<CompiledView> views() {
            return views;
        }

        @Override
        public boolean read(String view, Object key, long t, FeatureVector out) {
            SourceReplay r = byView.get(view);
            return r.table(view).read(key, t, out, r.reader(view));
        }
    }
}
