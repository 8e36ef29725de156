package dev.freshet.app.server;

import dev.freshet.engine.embedded.FreshnessListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Freshness per feature view as Prometheus histograms: {@code freshet_freshness_accept_to_visible}
 * (accept time → visible to reads: the engine's own lag) and {@code freshet_freshness_event_to_visible}
 * (event time → visible: includes the producer's delay and out-of-orderness) with a {@code view}
 * tag. Events of a source become visible in all its views at once. Nothing is recorded until
 * {@link #bind} (the log replay at start-up is not freshness).
 *
 * <p>Those two have the millisecond resolution of epoch times. Per source and logged batch, on the
 * monotonic clock in nanoseconds: {@code freshet_freshness_batch_accept_to_visible} (accept-time
 * stamp → visible, including the log write and its fsync) and
 * {@code freshet_freshness_batch_durable_to_visible} (log acknowledged durable → visible: the
 * engine's own part); {@link #acceptToVisible} and {@link #durableToVisible} give them as
 * HdrHistograms for benchmarks.
 */
public final class FreshnessMetrics implements FreshnessListener {
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);
    private final Map<String, List<String>> viewsBySource;
    private volatile Map<String, Timer[][]> timers = Map.of();
    private volatile Map<String, Timer[]> batchTimers = Map.of();
    private final Recorder acceptToVisible = new Recorder(MAX_NANOS, 3);
    private final Recorder durableToVisible = new Recorder(MAX_NANOS, 3);

    public FreshnessMetrics(Map<String, List<String>> viewsBySource) {
        this.viewsBySource = Map.copyOf(viewsBySource);
    }

    /** Registers the histograms and starts recording. */
    public void bind(MeterRegistry registry) {
        Map<String, Timer[][]> t = new HashMap<>();
        viewsBySource.forEach((source, views) -> {
            Timer[][] perView = new Timer[views.size()][];
            for (int v = 0; v < views.size(); v++) {
                perView[v] = new Timer[] {timer(registry, "freshet_freshness_accept_to_visible",
                        "accept time to visible to reads, per feature view", views.get(v)),
                        timer(registry, "freshet_freshness_event_to_visible",
                                "event time to visible to reads, per feature view", views.get(v))};
            }
            t.put(source, perView);
        });
        timers = Map.copyOf(t);
        Map<String, Timer[]> b = new HashMap<>();
        for (String source : viewsBySource.keySet()) {
            b.put(source, new Timer[] {batchTimer(registry, "freshet_freshness_batch_accept_to_visible",
                    "accept-time stamp (before the log write and fsync) to visible to reads, per logged batch", source),
                    batchTimer(registry, "freshet_freshness_batch_durable_to_visible",
                            "log acknowledged the batch durable to visible to reads, per logged batch", source)});
        }
        batchTimers = Map.copyOf(b);
    }

    private static Timer timer(MeterRegistry registry, String name, String description, String view) {
        return Timer.builder(name).description(description).tag("view", view).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1)).register(registry);
    }

    private static Timer batchTimer(MeterRegistry registry, String name, String description, String source) {
        return Timer.builder(name).description(description).tag("source", source).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    /** Accept-to-visible lag (ns, one value per batch, all sources) since the previous call; records from {@link #bind}. */
    public Histogram acceptToVisible() {
        return acceptToVisible.getIntervalHistogram();
    }

    /** Durable-to-visible lag (ns, one value per batch, all sources) since the previous call; records from {@link #bind}. */
    public Histogram durableToVisible() {
        return durableToVisible.getIntervalHistogram();
    }

    @Override
    public void batchProcessed(String source, int events, long acceptToVisibleNanos, long durableToVisibleNanos) {
        Timer[] t = batchTimers.get(source);
        if (t == null) {
            return;
        }
        t[0].record(acceptToVisibleNanos, TimeUnit.NANOSECONDS);
        t[1].record(durableToVisibleNanos, TimeUnit.NANOSECONDS);
        acceptToVisible.recordValue(Math.min(Math.max(0, acceptToVisibleNanos), MAX_NANOS));
        durableToVisible.recordValue(Math.min(Math.max(0, durableToVisibleNanos), MAX_NANOS));
    }

    @Override
    public void visible(String source, long visibleAt, long[] acceptTimes, long[] eventTimes, int count) {
        Timer[][] perView = timers.get(source);
        if (perView == null) {
            return;
        }
        for (Timer[] t : perView) {
            for (int i = 0; i < count; i++) {
                t[0].record(Math.max(0, visibleAt - acceptTimes[i]), TimeUnit.MILLISECONDS);
                t[1].record(Math.max(0, visibleAt - eventTimes[i]), TimeUnit.MILLISECONDS);
            }
        }
    }
}
