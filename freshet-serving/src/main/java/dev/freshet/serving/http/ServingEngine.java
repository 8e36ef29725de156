package dev.freshet.serving.http;

import dev.freshet.engine.EventBatch;
import dev.freshet.serving.features.FeatureSource;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.StoredDeadLetter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the HTTP layer needs from the engine (the embedded engine adapts to it in freshet-app). */
public interface ServingEngine extends FeatureSource {
    /** Appends validated events; completes with [first offset, end offset) once durable. */
    CompletableFuture<long[]> append(String source, EventBatch events);

    /** Completes once every event below {@code endOffset} of {@code source} is visible to reads. */
    CompletableFuture<Void> awaitApplied(String source, long endOffset);

    /** Whether restore and log replay have finished (reads are complete). */
    boolean isReady();

    /**
     * Why the engine stopped, if a failure stopped it (then it serves nothing until the process is
     * restarted: /health answers 503 so an orchestrator restarts it); empty while it runs.
     */
    default Optional<String> failure() {
        return Optional.empty();
    }

    /**
     * Operational figures for /metrics: name → value (gauges), e.g. {@code state_bytes}, {@code log_bytes},
     * exported as {@code freshet_<name>} and described by {@link #GAUGE_DESCRIPTIONS}. Read at every
     * scrape; the names returned at start are the ones exported.
     */
    Map<String, Double> gauges();

    /** What the {@link #gauges} mean, by name: the HELP text of their /metrics series. */
    Map<String, String> GAUGE_DESCRIPTIONS = Map.ofEntries(
            Map.entry("state_bytes", "bytes of feature state (tiles) held in memory, all views"),
            Map.entry("state_keys", "entity keys held in feature state, all views"),
            Map.entry("events_applied", "events the engine has applied since start, all sources"),
            Map.entry("events_held", "future-dated events held until the clock passes their event time"),
            Map.entry("late_dropped_events", "events dropped as LATE since start, all sources (see freshet_dropped_events_total)"),
            Map.entry("apply_backlog_events", "events in the log the engine has not applied yet"),
            Map.entry("queued_batches", "logged batches waiting for the engine to apply them"),
            Map.entry("freshness_lag_ms", "accept to applied of the last batch, in milliseconds"),
            Map.entry("checkpoint_duration_ms", "duration of the last checkpoint, in milliseconds"),
            Map.entry("checkpoint_bytes", "size of the last checkpoint, in bytes"),
            Map.entry("checkpoints_total", "checkpoints saved since start"),
            Map.entry("log_bytes", "size of the event log: live table files plus memtables, in bytes"),
            Map.entry("log_commits", "writes (group commits) of the event log since start"),
            Map.entry("ready", "1 once the checkpoint is restored and the log replayed, else 0"));

    /**
     * Events the engine dropped since it started, per source and then per reason ({@code LATE},
     * {@code TOO_FAR_IN_FUTURE}, {@code NULL_KEY}, {@code NULL_EVENT_TIME}): /metrics
     * {@code freshet_dropped_events_total{source,reason}}. Read at every scrape; the (source, reason)
     * pairs returned at start are the ones exported.
     */
    Map<String, Map<String, Long>> droppedEvents();

    /** Dead letters (dropped events as stored) matching {@code query}, newest first: {@code GET /v1/dead-letters}. */
    List<StoredDeadLetter> deadLetters(DeadLetterQuery query);

    /** True if {@code e} (from append) means the ingest queue is full (answer 429). */
    boolean isOverload(Throwable e);
}
