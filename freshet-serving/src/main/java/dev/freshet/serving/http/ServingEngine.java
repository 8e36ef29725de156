package dev.freshet.serving.http;

import dev.freshet.engine.EventBatch;
import dev.freshet.serving.features.FeatureSource;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.StoredDeadLetter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What the HTTP layer needs from the engine (the embedded engine adapts to it in freshet-app). */
public interface ServingEngine extends FeatureSource {
    /** Appends validated events; completes with [first offset, end offset) once durable. */
    CompletableFuture<long[]> append(String source, EventBatch events);

    /** Completes once every event below {@code endOffset} of {@code source} is visible to reads. */
    CompletableFuture<Void> awaitApplied(String source, long endOffset);

    /** Whether restore and log replay have finished (reads are complete). */
    boolean isReady();

    /** Operational figures for /metrics: name → value (gauges), e.g. {@code state_bytes}, {@code log_bytes}. */
    Map<String, Double> gauges();

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
