package dev.freshet.app.server;

import dev.freshet.engine.embedded.FreshnessListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Freshness per feature view as Prometheus histograms: {@code freshet_freshness_accept_to_visible}
 * (accept time → visible to reads: the engine's own lag) and {@code freshet_freshness_event_to_visible}
 * (event time → visible: includes the producer's delay and out-of-orderness) with a {@code view}
 * tag. Events of a source become visible in all its views at once. Nothing is recorded until
 * {@link #bind} (the log replay at start-up is not freshness).
 */
public final class FreshnessMetrics implements FreshnessListener {
    private final Map<String, List<String>> viewsBySource;
    private volatile Map<String, Timer[][]> timers = Map.of();

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
    }

    private static Timer timer(MeterRegistry registry, String name, String description, String view) {
        return Timer.builder(name).description(description).tag("view", view).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1)).register(registry);
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
