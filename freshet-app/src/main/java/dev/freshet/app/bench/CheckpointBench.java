package dev.freshet.app.bench;

import dev.freshet.engine.EventBatch;
import dev.freshet.engine.embedded.IngestReceipt;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.engine.embedded.EngineStats;
import dev.freshet.engine.embedded.FreshnessListener;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.memory.MemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What periodic checkpoints cost the freshness of a live stream. An embedded engine (in-memory
 * storage, so the measurement is the engine thread's and not the disk's) is preloaded with a large
 * fraud state, then fed batches at a fixed rate while checkpoints run every few seconds; the
 * accept-to-visible lag of every batch is recorded. Two modes, alternated in one invocation:
 * {@code stepwise} (the engine's behaviour: each view encoded a few hundred keys per step between
 * batches, copy before write) and {@code at-once} (the whole state encoded in one step, as
 * checkpoints were before): the same code with the step size set to every key.
 */
public final class CheckpointBench {
    /**
     * Settings.
     *
     * @param cards         cards in the preloaded state
     * @param preload       events preloaded (spread over the hour before the start)
     * @param rate          live events per second
     * @param batch         events per live batch
     * @param seconds       seconds of live stream per run
     * @param interval      checkpoint interval
     * @param keysPerStep   stepwise mode's keys per view per engine step
     * @param partBytes     largest checkpoint blob per part of a view image
     * @param reps          runs of each mode (alternating)
     */
    public record Settings(int cards, int preload, int rate, int batch, int seconds, Duration interval, int keysPerStep,
                           int partBytes, int reps) {
    }

    private final FeatureRepository repo;
    private final Settings settings;
    private final Consumer<String> log;

    public CheckpointBench(FeatureRepository repo, Settings settings, Consumer<String> log) {
        this.repo = repo;
        this.settings = settings;
        this.log = log;
    }

    /** Runs both modes {@code reps} times, alternating, and returns the JSON-ready result. */
    public Map<String, Object> run() {
        SourceSpec source = repo.source("transactions").orElseThrow(() -> new IllegalArgumentException("no transactions source"));
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        runs.put("at_once", new ArrayList<>());
        runs.put("stepwise", new ArrayList<>());
        for (int r = 0; r < settings.reps(); r++) {
            for (String mode : r % 2 == 0 ? List.of("at_once", "stepwise") : List.of("stepwise", "at_once")) {
                Map<String, Object> one = runOnce(source, mode.equals("stepwise") ? settings.keysPerStep() : Integer.MAX_VALUE);
                log.accept(mode + " run " + (r + 1) + ": " + one);
                runs.get(mode).add(one);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "checkpoint");
        for (var e : runs.entrySet()) {
            for (String figure : List.of("freshness_p50_ms", "freshness_p99_ms", "freshness_p999_ms", "freshness_max_ms")) {
                out.put(e.getKey() + "_" + figure, median(e.getValue(), figure));
            }
            out.put(e.getKey() + "_checkpoints", e.getValue().stream().map(m -> m.get("checkpoints")).toList());
        }
        out.put("runs", runs);
        out.put("cards", settings.cards());
        out.put("preload_events", settings.preload());
        out.put("rate", settings.rate());
        out.put("batch", settings.batch());
        out.put("seconds", settings.seconds());
        out.put("checkpoint_interval_ms", settings.interval().toMillis());
        out.put("keys_per_step", settings.keysPerStep());
        out.put("part_bytes", settings.partBytes());
        out.put("storage", "memory");
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        return out;
    }

    private static double median(List<Map<String, Object>> runs, String figure) {
        return Median.of(runs.stream().map(m -> ((Number) m.get(figure)).doubleValue()).toList());
    }

    private Map<String, Object> runOnce(SourceSpec source, int keysPerStep) {
        Recorder lag = new Recorder(TimeUnit.MINUTES.toNanos(10), 3);
        FreshnessListener listener = new FreshnessListener() {
            @Override
            public void batchProcessed(String s, int events, long acceptToVisibleNanos, long loggedToVisibleNanos) {
                lag.recordValue(Math.clamp(acceptToVisibleNanos, 0, TimeUnit.MINUTES.toNanos(10)));
            }

            @Override
            public void visible(String s, long visibleAt, long[] acceptTimes, long[] eventTimes, int count) {
                // per-event millisecond lags: the per-batch nanosecond one above is what this measures
            }
        };
        EngineOptions options = EngineOptions.defaults().withCheckpointInterval(settings.interval())
                .withCheckpointKeysPerStep(keysPerStep).withCheckpointPartBytes(settings.partBytes()).withCheckpointOnClose(false)
                .withExpectedKeysPerView(settings.cards()).withFreshnessListener(listener);
        long now = System.currentTimeMillis();
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, options, Clock.systemUTC())) {
            preload(engine, source, now);
            long baseCheckpoints = engine.stats().checkpoints().count();
            long baseApplied = engine.stats().sources().get("transactions").appliedEvents();
            lag.getIntervalHistogram(); // drop the preload's batches
            List<EventBatch> live = liveBatches(source, System.currentTimeMillis() + 1_000);
            long periodNanos = TimeUnit.SECONDS.toNanos(1) * settings.batch() / settings.rate();
            long startNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            CompletableFuture<IngestReceipt> last = null;
            for (int i = 0; i < live.size(); i++) {
                long due = startNanos + i * periodNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait); // pacing the open-loop generator
                }
                last = engine.append("transactions", live.get(i));
            }
            engine.awaitApplied("transactions", last.join().endOffset()).join();
            Histogram h = lag.getIntervalHistogram();
            EngineStats.CheckpointStats cs = engine.stats().checkpoints();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("freshness_p50_ms", ms(h.getValueAtPercentile(50)));
            m.put("freshness_p99_ms", ms(h.getValueAtPercentile(99)));
            m.put("freshness_p999_ms", ms(h.getValueAtPercentile(99.9)));
            m.put("freshness_max_ms", ms(h.getMaxValue()));
            m.put("batches", h.getTotalCount());
            m.put("live_events_applied", engine.stats().sources().get("transactions").appliedEvents() - baseApplied);
            m.put("checkpoints", cs.count() - baseCheckpoints);
            m.put("checkpoint_bytes", cs.lastBytes());
            m.put("checkpoint_millis", cs.lastDurationMillis());
            return m;
        }
    }

    /** The preloaded state: events over the hour before {@code now}, in chunks, applied before returning. */
    private void preload(EmbeddedEngine engine, SourceSpec source, long now) {
        int chunk = 10_000;
        int chunks = Math.max(1, settings.preload() / chunk);
        long span = 3_600_000L;
        String[] ids = FraudEvents.cardIds(settings.cards());
        CompletableFuture<IngestReceipt> last = null;
        for (int c = 0; c < chunks; c++) {
            long start = now - span + c * (span / chunks);
            last = engine.append("transactions", FraudEvents.build(source.schema(), chunk, ids, start, span / chunks, false, c));
        }
        engine.awaitApplied("transactions", last.join().endOffset()).join();
        log.accept("preloaded " + chunks * chunk + " events over " + settings.cards() + " cards");
    }

    /** Live batches with event times at their planned send times (generated before the clock starts). */
    private List<EventBatch> liveBatches(SourceSpec source, long firstSendMillis) {
        int n = Math.max(1, (int) ((long) settings.rate() * settings.seconds() / settings.batch()));
        double periodMillis = 1_000.0 * settings.batch() / settings.rate();
        List<EventBatch> out = new ArrayList<>(n);
        String[] ids = FraudEvents.cardIds(settings.cards());
        for (int i = 0; i < n; i++) {
            long at = firstSendMillis + (long) (i * periodMillis) - 3_000; // events arrive ~1-3 s after they happened
            out.add(FraudEvents.build(source.schema(), settings.batch(), ids, at, (long) periodMillis, false, 1_000_000 + i));
        }
        return out;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
