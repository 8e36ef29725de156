package dev.freshet.engine.embedded;

import static dev.freshet.engine.embedded.EmbeddedFixtures.SOURCE;
import static dev.freshet.engine.embedded.EmbeddedFixtures.VIEW;
import static dev.freshet.engine.embedded.EmbeddedFixtures.batch;
import static dev.freshet.engine.embedded.EmbeddedFixtures.count;
import static dev.freshet.engine.embedded.EmbeddedFixtures.event;
import static dev.freshet.engine.embedded.EmbeddedFixtures.repo;
import static dev.freshet.engine.embedded.EmbeddedFixtures.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.testkit.ManualClock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interleavings of the embedded engine forced with latches: readers against a step, two closes. */
class EmbeddedEngineConcurrencyTest {
    private static final long T0 = 1_000_000;

    private static List<AggregationSpec> lifetime() {
        return List.of(count("count_lifetime", new WindowSpec.Lifetime()), sum("qty_lifetime", "qty", new WindowSpec.Lifetime()));
    }

    private static long read(EmbeddedEngine engine, String feature, long t) {
        FeatureVector out = new FeatureVector(engine.view(VIEW).features().size());
        engine.read(VIEW, "c1", t, out);
        return out.getLong(engine.view(VIEW).featureIndex(feature));
    }

    /** A listener that parks the engine thread in batchProcessed (between applying a batch and publishing it). */
    private static final class ParkingListener implements FreshnessListener {
        final CountDownLatch parked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        @Override
        public void visible(String source, long visibleAt, long[] acceptTimes, long[] eventTimes, int count) {
        }

        @Override
        public void batchProcessed(String source, int events, long acceptToVisibleNanos, long loggedToVisibleNanos) {
            if (armed) {
                armed = false;
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // A read at a time after the clock sees a later event of a batch (offset 1, applied) but not an
    // earlier one (offset 0, held for its event time, also before t): a state that never existed in
    // log order, and the same request answers 2 now and 3 a moment later without any new event.
    @Test
    @Timeout(60)
    void aReadAfterTheClockCountsAnEventHeldByAChunkAlreadyVisible() throws Exception {
        ManualClock clock = new ManualClock(T0);
        ParkingListener listener = new ParkingListener();
        EngineOptions options = EngineOptions.defaults().withFreshnessListener(listener).withCheckpointOnClose(false);
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(lifetime()), storage, options, clock)) {
            listener.armed = true;
            // one chunk (same accept time and partition): offset 0 is held (event time after the
            // accept time T0), offset 1 is applied at once
            IngestReceipt r = engine.append(SOURCE, batch(List.of(event("c1", T0 + 5, 1L), event("c1", T0 - 1, 2L)))).join();
            assertEquals(2, r.endOffset());
            listener.parked.await(); // the chunk is applied and its write lock released; not yet published
            try {
                long t = T0 + 10; // after both event times: DESIGN §3 counts both
                assertEquals(3, read(engine, "qty_lifetime", t),
                        "a read at t counts the held event before t (offset 0) along with the applied one (offset 1)");
            } finally {
                listener.release.countDown();
            }
            engine.awaitApplied(SOURCE, r.endOffset()).join();
            assertEquals(3, read(engine, "qty_lifetime", T0 + 10));
        }
    }

    // close() is documented idempotent, but a second (concurrent) close() returns while the first is
    // still draining and writing the final checkpoint: a caller that then closes the storage (the
    // documented order: engine first, then storage) pulls it from under the final checkpoint.
    @Test
    @Timeout(60)
    void aSecondCloseReturnsOnlyOnceTheEngineHasStopped() throws Exception {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage()) {
            EmbeddedEngine engine = EmbeddedEngine.start(repo(lifetime()), storage, EngineOptions.defaults(), clock);
            engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L)))).join();
            EmbeddedEngine.Pause pause = engine.pauseEngineThread();
            CompletableFuture<Void> first = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                engine.close();
                first.complete(null);
            });
            Thread me = Thread.currentThread();
            AtomicBoolean done = new AtomicBoolean();
            // resumes the engine thread once this thread waits inside the engine's close (a fixed close)
            CompletableFuture<Void> releaser = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                while (!done.get() && !waitingInEngine(me)) {
                    Thread.onSpinWait();
                }
                pause.close();
                releaser.complete(null);
            });
            try {
                while (engine.isReady()) { // the first close() has set closing (isReady turns false)
                    Thread.onSpinWait();
                }
                engine.close(); // the second close
                assertEquals(1, storage.checkpoints().list().size(),
                        "close() returned, so the engine is closed: its final checkpoint is written");
            } finally {
                done.set(true);
                releaser.get(30, TimeUnit.SECONDS);
                first.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean waitingInEngine(Thread t) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING && state != Thread.State.BLOCKED) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(EmbeddedEngine.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
