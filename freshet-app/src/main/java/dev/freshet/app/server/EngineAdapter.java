package dev.freshet.app.server;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineStats;
import dev.freshet.serving.http.ServingEngine;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.LogOverloadedException;
import dev.freshet.storage.StoredDeadLetter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Presents the embedded engine to the HTTP layer. */
public final class EngineAdapter implements ServingEngine {
    private final EmbeddedEngine engine;
    private final DeadLetterStore deadLetters;

    /** An adapter whose {@link #deadLetters} lists {@code deadLetters} (the engine's storage's store). */
    public EngineAdapter(EmbeddedEngine engine, DeadLetterStore deadLetters) {
        this.engine = engine;
        this.deadLetters = deadLetters;
    }

    /** An adapter without dead letters (benchmarks): {@link #deadLetters} throws {@link UnsupportedOperationException}. */
    public EngineAdapter(EmbeddedEngine engine) {
        this(engine, null);
    }

    @Override
    public List<CompiledView> views() {
        return engine.views();
    }

    @Override
    public boolean read(String view, Object key, long t, FeatureVector out) {
        return engine.read(view, key, t, out);
    }

    @Override
    public CompletableFuture<long[]> append(String source, EventBatch events) {
        return engine.append(source, events).thenApply(r -> new long[] {r.firstOffset(), r.endOffset()});
    }

    @Override
    public CompletableFuture<Void> awaitApplied(String source, long endOffset) {
        return engine.awaitApplied(source, endOffset);
    }

    @Override
    public boolean isReady() {
        return engine.isReady();
    }

    @Override
    public Optional<String> failure() {
        return engine.failure().map(String::valueOf);
    }

    @Override
    public boolean isOverload(Throwable e) {
        return e instanceof LogOverloadedException;
    }

    @Override
    public Map<String, Double> gauges() {
        EngineStats s = engine.stats();
        Map<String, Double> g = new LinkedHashMap<>();
        double state = 0;
        double keys = 0;
        for (EngineStats.ViewStats v : s.views().values()) {
            state += v.stateBytes();
            keys += v.keys();
        }
        g.put("state_bytes", state);
        g.put("state_keys", keys);
        double applied = 0;
        double held = 0;
        double late = 0;
        double backlog = 0;
        for (EngineStats.SourceStats src : s.sources().values()) {
            applied += src.appliedEvents();
            held += src.heldEvents();
            late += src.drops().getOrDefault("LATE", 0L);
            backlog += Math.max(0, src.logEndOffset() - src.appliedOffset()); // the engine may apply a batch before the log publishes its end
        }
        g.put("events_applied", applied);
        g.put("events_held", held);
        g.put("late_dropped_events", late);
        g.put("apply_backlog_events", backlog);
        g.put("queued_batches", (double) s.queuedBatches());
        g.put("freshness_lag_ms", (double) s.lastApplyLagMillis());
        g.put("checkpoint_duration_ms", (double) s.checkpoints().lastDurationMillis());
        g.put("checkpoint_bytes", (double) s.checkpoints().lastBytes());
        g.put("checkpoints_total", (double) s.checkpoints().count());
        g.put("log_bytes", s.logBytes() < 0 ? Double.NaN : (double) s.logBytes());
        g.put("log_commits", s.logCommits() < 0 ? Double.NaN : (double) s.logCommits());
        g.put("ready", s.ready() ? 1.0 : 0.0);
        return g;
    }

    @Override
    public Map<String, Map<String, Long>> droppedEvents() {
        Map<String, Map<String, Long>> drops = new LinkedHashMap<>();
        engine.stats().sources().forEach((source, stats) -> drops.put(source, Map.copyOf(stats.drops())));
        return drops;
    }

    @Override
    public List<StoredDeadLetter> deadLetters(DeadLetterQuery query) {
        if (deadLetters == null) {
            throw new UnsupportedOperationException("this server keeps no dead-letter store");
        }
        return deadLetters.list(query);
    }
}
