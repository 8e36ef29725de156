package dev.freshet.app.server;

import dev.freshet.engine.embedded.FreshnessListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Freshness per feature view as Prometheus histograms: {@code freshet_freshness_accept_to_visible_seconds}
 * (accept time → visible to reads: the engine's own lag) and {@code freshet_freshness_event_to_visible_seconds}
 * (event time → visible: includes the producer's delay and out-of-orderness) with a {@code view}
 * label, one observation per event. Nothing is recorded until {@link #bind} (the log replay at
 * start-up is not freshness).
 *
 * <p>Those two are counted on the engine thread for every visible event, so they are kept out of
 * Micrometer's per-call timers (two timers per event and view cost the engine thread ~15% of its
 * time): each source has one {@link LagHistogram} pair, filled a chunk of events at a time under its
 * monitor, and a collector registered with the Prometheus registry renders it under every view of
 * the source at scrape time — events of a source become visible in all its views at once, so the
 * views' histograms are the same. Bucket bounds: {@link LagHistogram#BOUNDS_MS}; millisecond
 * resolution (epoch times).
 *
 * <p>Per source and logged batch, on the monotonic clock in nanoseconds (Micrometer timers, one
 * call per batch): {@code freshet_freshness_batch_accept_to_visible} (accept-time stamp → visible,
 * including the log write; applying does not wait for the log's fsync) and
 * {@code freshet_freshness_batch_logged_to_visible} (log write done → visible: the engine's own
 * part); {@link #acceptToVisible} and {@link #loggedToVisible} give them as HdrHistograms for benchmarks, and
 * {@link #eventAcceptToVisible} the same lag per event (each applied chunk weighted by its events,
 * visible as soon as the chunk is, before the rest of its batch).
 */
public final class FreshnessMetrics implements FreshnessListener {
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);
    private final Map<String, List<String>> viewsBySource;
    /** Per source: accept → visible and event → visible lags of its visible events. */
    private record SourceLags(LagHistogram accept, LagHistogram event) {
    }

    private final Map<String, SourceLags> lags;
    private volatile boolean bound;
    private volatile Map<String, Timer[]> batchTimers = Map.of();
    private final Recorder acceptToVisible = new Recorder(MAX_NANOS, 3);
    private final Recorder loggedToVisible = new Recorder(MAX_NANOS, 3);
    private final Recorder eventAcceptToVisible = new Recorder(MAX_NANOS, 3);

    public FreshnessMetrics(Map<String, List<String>> viewsBySource) {
        this.viewsBySource = Map.copyOf(viewsBySource);
        Map<String, SourceLags> l = new HashMap<>();
        viewsBySource.keySet().forEach(source -> l.put(source, new SourceLags(new LagHistogram(), new LagHistogram())));
        this.lags = Map.copyOf(l);
    }

    /** Registers the histograms and starts recording. */
    public void bind(PrometheusMeterRegistry registry) {
        registry.getPrometheusRegistry().register(this::collectLags);
        Map<String, Timer[]> b = new HashMap<>();
        for (String source : viewsBySource.keySet()) {
            b.put(source, new Timer[] {batchTimer(registry, "freshet_freshness_batch_accept_to_visible",
                    "accept-time stamp (before the log write) to visible to reads, per logged batch", source),
                    batchTimer(registry, "freshet_freshness_batch_logged_to_visible",
                            "log write of the batch done (before its fsync) to visible to reads, per logged batch", source)});
        }
        batchTimers = Map.copyOf(b);
        bound = true;
    }

    private MetricSnapshots collectLags() {
        HistogramSnapshot.Builder accept = HistogramSnapshot.builder().name("freshet_freshness_accept_to_visible_seconds")
                .help("accept time to visible to reads, per feature view");
        HistogramSnapshot.Builder event = HistogramSnapshot.builder().name("freshet_freshness_event_to_visible_seconds")
                .help("event time to visible to reads, per feature view");
        viewsBySource.forEach((source, views) -> {
            SourceLags h = lags.get(source);
            for (String view : views) {
                accept.dataPoint(h.accept().snapshot(Labels.of("view", view)));
                event.dataPoint(h.event().snapshot(Labels.of("view", view)));
            }
        });
        return MetricSnapshots.of(accept.build(), event.build());
    }

    private static Timer batchTimer(MeterRegistry registry, String name, String description, String source) {
        return Timer.builder(name).description(description).tag("source", source).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    /** Accept-to-visible lag (ns, one value per batch, all sources) since the previous call; records from {@link #bind}. */
    public Histogram acceptToVisible() {
        return acceptToVisible.getIntervalHistogram();
    }

    /** Logged-to-visible lag (ns, one value per batch, all sources) since the previous call; records from {@link #bind}. */
    public Histogram loggedToVisible() {
        return loggedToVisible.getIntervalHistogram();
    }

    /** Accept-to-visible lag (ns) per live applied event since the previous call; records from {@link #bind}. */
    public Histogram eventAcceptToVisible() {
        return eventAcceptToVisible.getIntervalHistogram();
    }

    @Override
    public void eventsVisible(String source, int events, long acceptToVisibleNanos) {
        if (bound) {
            eventAcceptToVisible.recordValueWithCount(Math.min(Math.max(0, acceptToVisibleNanos), MAX_NANOS), events);
        }
    }

    @Override
    public void batchProcessed(String source, int events, long acceptToVisibleNanos, long loggedToVisibleNanos) {
        Timer[] t = batchTimers.get(source);
        if (t == null) {
            return;
        }
        t[0].record(acceptToVisibleNanos, TimeUnit.NANOSECONDS);
        t[1].record(loggedToVisibleNanos, TimeUnit.NANOSECONDS);
        acceptToVisible.recordValue(Math.min(Math.max(0, acceptToVisibleNanos), MAX_NANOS));
        loggedToVisible.recordValue(Math.min(Math.max(0, loggedToVisibleNanos), MAX_NANOS));
    }

    @Override
    public void visible(String source, long visibleAt, long[] acceptTimes, long[] eventTimes, int count) {
        SourceLags h = lags.get(source);
        if (h == null || !bound) {
            return;
        }
        h.accept().recordLags(visibleAt, acceptTimes, count);
        h.event().recordLags(visibleAt, eventTimes, count);
    }
}
