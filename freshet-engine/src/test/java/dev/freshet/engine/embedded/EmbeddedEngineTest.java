package dev.freshet.engine.embedded;

import static dev.freshet.engine.embedded.EmbeddedFixtures.SOURCE;
import static dev.freshet.engine.embedded.EmbeddedFixtures.VIEW;
import static dev.freshet.engine.embedded.EmbeddedFixtures.batch;
import static dev.freshet.engine.embedded.EmbeddedFixtures.count;
import static dev.freshet.engine.embedded.EmbeddedFixtures.event;
import static dev.freshet.engine.embedded.EmbeddedFixtures.repo;
import static dev.freshet.engine.embedded.EmbeddedFixtures.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.AppendResult;
import dev.freshet.storage.CheckpointStore;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.DeadLetterStore;
import dev.freshet.storage.EventLog;
import dev.freshet.storage.LogCursor;
import dev.freshet.storage.LogOverloadedException;
import dev.freshet.storage.Storage;
import dev.freshet.storage.StorageException;
import dev.freshet.storage.StoredDeadLetter;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.testkit.ManualClock;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour of the embedded engine: read-after-write, decay, held and late events, back-pressure, ordering. */
@Timeout(120)
class EmbeddedEngineTest {
    private static final long T0 = 1_000_000;
    private static final WindowSpec TEN_SECONDS = new WindowSpec.Hopping(Duration.ofSeconds(10), null);

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return Seeds.of(20_261_201L, 4);
    }

    private static List<AggregationSpec> counters() {
        return List.of(count("count_10s", TEN_SECONDS),
                count("count_10s_exact", new WindowSpec.Hopping(Duration.ofSeconds(10), Duration.ofMillis(1))),
                count("count_lifetime", new WindowSpec.Lifetime()),
                sum("qty_lifetime", "qty", new WindowSpec.Lifetime()));
    }

    private static EmbeddedEngine start(FeatureRepository repo, Storage storage, ManualClock clock) {
        return EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
    }

    private static long read(EmbeddedEngine engine, String card, String feature, long t) {
        FeatureVector out = new FeatureVector(engine.view(VIEW).features().size());
        engine.read(VIEW, card, t, out);
        int i = engine.view(VIEW).featureIndex(feature);
        assertEquals(Status.PRESENT, out.status(i), feature);
        return out.getLong(i);
    }

    private static IngestReceipt appendApplied(EmbeddedEngine engine, List<TestEvent> events) {
        IngestReceipt r = engine.append(SOURCE, batch(events)).join();
        engine.awaitApplied(SOURCE, r.endOffset()).join();
        return r;
    }

    @Test
    void windowedCountDecaysToZeroWithoutNewEvents() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            long last = T0 - 500;
            appendApplied(engine, List.of(event("c1", last - 2_000, 1L), event("c1", last, 2L)));
            FeatureVector out = new FeatureVector(4);
            long t = engine.readLatest(VIEW, "c1", out);
            assertEquals(T0, t);
            assertEquals(2, out.getLong(0));
            assertEquals(2, out.getLong(1));

            clock.set(last + 9_000); // the default hop is 1 s: the window covers (9 s, 10 s] before t
            assertEquals(1, read(engine, "c1", "count_10s", clock.millis()));
            clock.set(last + 9_999);
            assertEquals(1, read(engine, "c1", "count_10s_exact", clock.millis()));

            clock.set(last + 10_001); // ten seconds after the last event, no new event
            engine.readLatest(VIEW, "c1", out);
            assertEquals(0, out.getLong(0), "count_10s");
            assertEquals(0, out.getLong(1), "count_10s_exact");
            assertEquals(2, out.getLong(2), "lifetime");
            assertEquals(3, out.getLong(3), "lifetime sum");
        }
    }

    @Test
    void eachAppliedChunkOfALiveBatchIsReportedVisibleButReplayedAndHeldEventsAreNot() {
        ManualClock clock = new ManualClock(T0);
        ConcurrentLinkedQueue<long[]> chunks = new ConcurrentLinkedQueue<>(); // {events, accept → visible ns}
        ConcurrentLinkedQueue<Long> batches = new ConcurrentLinkedQueue<>();
        FreshnessListener listener = new FreshnessListener() {
            @Override
            public void visible(String source, long visibleAt, long[] acceptTimes, long[] eventTimes, int count) {
            }

            @Override
            public void eventsVisible(String source, int events, long acceptToVisibleNanos) {
                chunks.add(new long[] {events, acceptToVisibleNanos});
            }

            @Override
            public void batchProcessed(String source, int events, long acceptToVisibleNanos, long loggedToVisibleNanos) {
                batches.add(acceptToVisibleNanos);
            }
        };
        EngineOptions options = EngineOptions.defaults().withFreshnessListener(listener).withCheckpointOnClose(false);
        List<TestEvent> events = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            events.add(event("c" + i % 7, T0 - 500 - i, 1L));
        }
        events.add(event("c1", T0 + 500, 1L)); // held for its event time: visible later, not in this batch
        try (MemoryStorage storage = new MemoryStorage()) {
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, options, clock)) {
                appendApplied(engine, events);
                assertEquals(1, batches.size());
                List<long[]> seen = List.copyOf(chunks);
                assertEquals(3, seen.size(), "151 events in chunks of at most " + SourceRuntime.CHUNK);
                assertEquals(150, seen.stream().mapToLong(c -> c[0]).sum(), "every applied event once, the held one not");
                for (int i = 0; i < seen.size(); i++) {
                    assertTrue(seen.get(i)[0] <= SourceRuntime.CHUNK);
                    assertTrue(seen.get(i)[1] >= 0 && seen.get(i)[1] <= batches.peek(), "a chunk is visible no later than its whole batch");
                    assertTrue(i == 0 || seen.get(i)[1] >= seen.get(i - 1)[1], "chunks become visible in order");
                }
            }
            chunks.clear();
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, options, clock)) {
                assertEquals(150, engine.stats().sources().get(SOURCE).appliedEvents(), "the log replayed");
                assertTrue(chunks.isEmpty(), "a replay of the log is not freshness");
            }
        }
    }

    @Test
    void futureEventIsHeldUntilTheClockPassesItsEventTime() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            appendApplied(engine, List.of(event("c1", T0 + 500, 1L)));
            assertEquals(1, engine.stats().sources().get(SOURCE).heldEvents());
            assertEquals(0, read(engine, "c1", "count_lifetime", T0), "event time not yet before the read time");

            clock.set(T0 + 501); // no advanceClock(): the read counts the held event at once
            assertEquals(1, read(engine, "c1", "count_lifetime", T0 + 501));
            FeatureVector latest = new FeatureVector(engine.view(VIEW).features().size());
            engine.readLatest(VIEW, "c1", latest);
            assertEquals(1, latest.getLong(engine.view(VIEW).featureIndex("count_lifetime")));
            engine.advanceClock(); // the engine thread applies it (on its own too, within a step)
            assertEquals(0, engine.stats().sources().get(SOURCE).heldEvents());
            assertEquals(1, engine.stats().sources().get(SOURCE).appliedEvents());
            assertEquals(1, read(engine, "c1", "count_lifetime", T0 + 501));
        }
    }

    // A read_time after the clock left out accepted events held for a time before it, so the same
    // request answered differently once the clock got there (DESIGN §3 counts every event before t).
    @Test
    void aReadAfterTheClockCountsTheEventsHeldBeforeItWithoutApplyingThem() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            appendApplied(engine, List.of(event("c1", T0 - 1, 2L)));
            appendApplied(engine, List.of(event("c1", T0 + 300, 3L), event("c2", T0 + 400, 4L), event("c1", T0 + 500, 5L)));
            assertEquals(3, engine.stats().sources().get(SOURCE).heldEvents());

            assertEquals(1, read(engine, "c1", "count_lifetime", T0 + 300), "held events at or after t stay out");
            assertEquals(2, read(engine, "c1", "count_lifetime", T0 + 301));
            assertEquals(10, read(engine, "c1", "qty_lifetime", T0 + 501));
            assertEquals(4, read(engine, "c2", "qty_lifetime", T0 + 401), "a key known only from held events");
            assertEquals(3, engine.stats().sources().get(SOURCE).heldEvents(), "nothing applied early");
            assertEquals(1, read(engine, "c1", "count_lifetime", T0), "the shared state is untouched");

            clock.set(T0 + 501);
            engine.advanceClock();
            assertEquals(10, read(engine, "c1", "qty_lifetime", T0 + 501), "the same answer once the clock is there");
            assertEquals(4, read(engine, "c2", "qty_lifetime", T0 + 501));
        }
    }

    // After the clock was set back (an NTP correction), no periodic checkpoint was taken until it
    // caught up with the old schedule, so a crash then replayed far more of the log than configured.
    @Test
    void periodicCheckpointsGoOnAfterTheClockIsSetBack() {
        ManualClock clock = new ManualClock(T0);
        EngineOptions hourly = EngineOptions.defaults().withCheckpointInterval(Duration.ofHours(1));
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, hourly, clock)) {
            appendApplied(engine, List.of(event("c1", T0 - 1, 1L)));
            long back = T0 - Duration.ofDays(1).toMillis();
            clock.set(back);
            // minute by minute for up to three hours (the old schedule is a day away); each call is one engine step
            while (engine.stats().checkpoints().count() == 0 && clock.millis() < back + Duration.ofHours(3).toMillis()) {
                engine.advanceClock();
                clock.advance(Duration.ofMinutes(1).toMillis());
            }
            // the one it started is saved off the engine thread: step until it is
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.stats().checkpoints().count() == 0 && System.nanoTime() < deadline) {
                engine.advanceClock();
            }
            assertTrue(engine.stats().checkpoints().count() > 0, "a periodic checkpoint within two hours of the clock going back");
        }
    }

    // Each /metrics scrape walked every key's state under the source's read lock, holding off the
    // engine's writes (and every read queued behind them) for as long as a large state takes.
    @Test
    void stateBytesAreMeasuredByTheEngineThreadInSteps() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            List<TestEvent> events = new ArrayList<>();
            for (int k = 0; k < 3 * EmbeddedEngine.MEASURE_KEYS + 7; k++) { // several steps per pass
                events.add(event("card-" + k, T0 - 1, 1L));
            }
            appendApplied(engine, events);
            long full = engine.viewRuntimeForTests(VIEW).table().stateBytes();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (engine.stats().views().get(VIEW).stateBytes() != full && System.nanoTime() < deadline) {
                engine.advanceClock(); // one engine step per call; a pass takes a few of them
            }
            assertEquals(full, engine.stats().views().get(VIEW).stateBytes());
            assertEquals(events.size(), engine.stats().views().get(VIEW).keys());
        }
    }

    /** Options whose freshness listener throws when the event at {@code future} becomes visible. */
    private static EngineOptions breakingOnRelease(long future) {
        FreshnessListener breaks = (source, visibleAt, acceptTimes, eventTimes, count) -> {
            if (count > 0 && eventTimes[0] == future) {
                throw new IllegalStateException("listener broke");
            }
        };
        return EngineOptions.defaults().withFreshnessListener(breaks);
    }

    /** Holds an event at {@code future}, then fails the step that releases it. */
    private static void failReleasing(EmbeddedEngine engine, ManualClock clock, long future) {
        appendApplied(engine, List.of(event("c1", future, 1L))); // held until the clock passes it
        clock.set(future + 1);
        assertThrows(RuntimeException.class, engine::advanceClock);
    }

    // After a failed step the engine API went on serving state that step may have left half applied.
    @Test
    void readsAreRefusedOnceTheEngineHasFailed() {
        ManualClock clock = new ManualClock(T0);
        long future = T0 + 10;
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, breakingOnRelease(future), clock)) {
            failReleasing(engine, clock, future);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> read(engine, "c1", "count_lifetime", future + 1));
            assertTrue(e.getMessage().contains("failure"), e.getMessage());
        }
    }

    @Test
    void lateAndFarFutureEventsAreDeadLetteredCountedAndNotDuplicatedByReplay() {
        ManualClock clock = new ManualClock(T0);
        EngineOptions noFinalCheckpoint = EngineOptions.defaults().withCheckpointOnClose(false);
        try (EmbeddedStorage storage = EmbeddedStorage.open(tmp.resolve("data"))) {
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, noFinalCheckpoint, clock)) {
                appendApplied(engine, List.of(event("c1", T0 - 1, 5L)));
                appendApplied(engine, List.of(event("c1", T0 - 1 - 20_000, 7L), event("c2", T0 + 120_000, 9L)));
                var stats = engine.stats().sources().get(SOURCE);
                assertEquals(1, stats.drops().get("LATE"));
                assertEquals(1, stats.drops().get("TOO_FAR_IN_FUTURE"));
                assertEquals(1, stats.appliedEvents());
                assertEquals(1, read(engine, "c1", "count_lifetime", T0 + 1));
                assertEquals(5, read(engine, "c1", "qty_lifetime", T0 + 1));
            }
            List<StoredDeadLetter> letters = storage.deadLetters().list(DeadLetterQuery.newest(10));
            assertEquals(2, letters.size());
            var late = storage.deadLetters().list(DeadLetterQuery.newest(10).withReason("LATE")).getFirst().letter();
            assertEquals(SOURCE, late.source());
            assertEquals(0, late.partition());
            assertEquals(1, late.seq(), "the log offset");
            assertEquals(T0 - 1 - 20_000, late.eventTime());
            assertEquals(T0, late.acceptTime());
            assertTrue(late.detail().contains("watermark"), late.detail());
            assertTrue(late.payload().contains("\"card_id\":\"c1\"") && late.payload().contains("\"qty\":7"), late.payload());

            // no checkpoint was written: the restart replays the whole log and meets both drops again
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, EngineOptions.defaults(), clock)) {
                assertEquals(List.of(SOURCE), engine.stats().recovery().rebuiltSources());
                assertEquals(3, engine.stats().recovery().replayedEvents().get(SOURCE));
                assertEquals(1, engine.stats().sources().get(SOURCE).drops().get("LATE"));
                assertEquals(2, storage.deadLetters().count(), "replay does not duplicate dead letters");
            }
            // restored from the final checkpoint this time: counters come from it
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, EngineOptions.defaults(), clock)) {
                assertEquals(List.of(SOURCE), engine.stats().recovery().restoredSources());
                assertEquals(0, engine.stats().recovery().replayedEvents().get(SOURCE));
                assertEquals(1, engine.stats().sources().get(SOURCE).drops().get("LATE"));
                assertEquals(1, engine.stats().sources().get(SOURCE).drops().get("TOO_FAR_IN_FUTURE"));
                assertEquals(2, storage.deadLetters().count());
            }
            // a longer allowed lateness: the source is rebuilt, the late event applied, and its letter gone
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters(), 60_000, EmbeddedFixtures.SKEW), storage,
                    EngineOptions.defaults(), clock)) {
                assertEquals(List.of(SOURCE), engine.stats().recovery().rebuiltSources());
                assertEquals(0, engine.stats().sources().get(SOURCE).drops().getOrDefault("LATE", 0L));
                assertEquals(2, read(engine, "c1", "count_lifetime", T0 + 1));
                assertEquals(Map.of("TOO_FAR_IN_FUTURE", 1L), storage.deadLetters().countsByReason());
                assertEquals(1, storage.deadLetters().list(DeadLetterQuery.newest(10)).size());
            }
        }
    }

    @Test
    void everyWriterReadsItsOwnWritesAfterAwaitApplied() throws Exception {
        ManualClock clock = new ManualClock(T0);
        int writers = 4;
        int batchesPerWriter = 40;
        try (EmbeddedStorage storage = EmbeddedStorage.open(tmp.resolve("data"));
             EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            long[] totals = new long[writers];
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    SplittableRandom r = new SplittableRandom(writer * 7919L);
                    String card = "w" + writer;
                    long count = 0;
                    long qty = 0;
                    try {
                        for (int b = 0; b < batchesPerWriter; b++) {
                            List<TestEvent> events = new ArrayList<>();
                            for (int i = r.nextInt(1, 21); i > 0; i--) {
                                long q = r.nextLong(-5, 100);
                                events.add(event(card, T0 - 1_000 + r.nextInt(500), q));
                                qty += q;
                                count++;
                            }
                            appendApplied(engine, events);
                            assertEquals(count, read(engine, card, "count_lifetime", T0 + 1), card + " batch " + b);
                            assertEquals(qty, read(engine, card, "qty_lifetime", T0 + 1), card + " batch " + b);
                        }
                        totals[writer] = count;
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            // a reader sees every key's lifetime count only grow (whole chunks, never torn state)
            Thread reader = Thread.ofPlatform().start(() -> {
                long[] last = new long[writers];
                FeatureVector out = new FeatureVector(4);
                try {
                    while (!done.get()) {
                        for (int w = 0; w < writers; w++) {
                            engine.read(VIEW, "w" + w, T0 + 1, out);
                            long c = out.status(2) == Status.PRESENT ? out.getLong(2) : 0;
                            assertTrue(c >= last[w], "count went back");
                            last[w] = c;
                        }
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            reader.join();
            assertTrue(errors.isEmpty(), () -> errors.peek().toString());
            long total = LongStream.of(totals).sum();
            var stats = engine.stats().sources().get(SOURCE);
            assertEquals(total, stats.logEndOffset());
            assertEquals(total, stats.appliedOffset());
            assertEquals(total, stats.appliedEvents());
            assertEquals(0, engine.stats().queuedBatches());
        }
    }

    @Test
    void appendsAreRefusedWithLogOverloadedWhileTooManyBatchesWait() {
        ManualClock clock = new ManualClock(T0);
        EngineOptions tiny = EngineOptions.defaults().withMaxQueuedBatches(2);
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, tiny, clock)) {
            IngestReceipt second;
            try (var _ = engine.pauseEngineThread()) {
                engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L)))).join();
                second = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 2L)))).join(); // durable, not applied
                CompletableFuture<IngestReceipt> third = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 3L))));
                CompletionException e = assertThrows(CompletionException.class, third::join);
                assertInstanceOf(LogOverloadedException.class, e.getCause());
                assertEquals(2, engine.stats().queuedBatches());
                assertEquals(2, storage.eventLog().endOffset(SOURCE), "nothing of the refused batch was written");
            }
            engine.awaitApplied(SOURCE, second.endOffset()).join();
            assertEquals(0, engine.stats().queuedBatches());
            assertEquals(3, read(engine, "c1", "qty_lifetime", T0));
            appendApplied(engine, List.of(event("c1", T0 - 1, 4L)));
            assertEquals(7, read(engine, "c1", "qty_lifetime", T0));
        }
    }

    @Test
    void appendsAreRefusedWhileTheWaitingBatchesHoldTooManyBytes() {
        ManualClock clock = new ManualClock(T0);
        EngineOptions tiny = EngineOptions.defaults().withMaxQueuedBytes(1); // one batch at a time, whatever its size
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, tiny, clock)) {
            IngestReceipt first;
            try (var _ = engine.pauseEngineThread()) {
                first = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L), event("c1", T0 - 1, 2L)))).join();
                CompletableFuture<IngestReceipt> second = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 3L))));
                CompletionException e = assertThrows(CompletionException.class, second::join);
                assertInstanceOf(LogOverloadedException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("bytes"), e.getCause().getMessage());
                assertEquals(1, engine.stats().queuedBatches());
                assertEquals(2, storage.eventLog().endOffset(SOURCE), "nothing of the refused batch was written");
            }
            engine.awaitApplied(SOURCE, first.endOffset()).join();
            assertEquals(0, engine.stats().queuedBatches());
            appendApplied(engine, List.of(event("c1", T0 - 1, 4L))); // its bytes were given back
            assertEquals(7, read(engine, "c1", "qty_lifetime", T0));
        }
    }

    @Test
    void overloadOfTheLogItselfPassesThroughAndLeavesNothingInFlight() {
        ManualClock clock = new ManualClock(T0);
        ScriptedStorage storage = new ScriptedStorage();
        try (EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            storage.log.refuse = true;
            CompletionException e = assertThrows(CompletionException.class,
                    () -> engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L)))).join());
            assertInstanceOf(LogOverloadedException.class, e.getCause());
            assertEquals(0, engine.stats().queuedBatches());
            storage.log.refuse = false;
            // a held event is released once the clock passes it: no stale in-flight batch pins the clock
            appendApplied(engine, List.of(event("c1", T0 + 10, 2L)));
            clock.set(T0 + 11);
            engine.advanceClock();
            assertEquals(0, engine.stats().sources().get(SOURCE).heldEvents());
            assertEquals(2, read(engine, "c1", "qty_lifetime", T0 + 11));
        }
    }

    @Test
    void aWrittenBatchIsVisibleBeforeItsAppendIsAcknowledgedDurable() {
        ManualClock clock = new ManualClock(T0);
        ScriptedStorage storage = new ScriptedStorage();
        try (EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            storage.log.holdDurable = true;
            CompletableFuture<IngestReceipt> a = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 5L), event("c1", T0 - 1, 6L))));
            engine.awaitApplied(SOURCE, 2).join(); // applied while the fsync is still pending
            assertEquals(11, read(engine, "c1", "qty_lifetime", T0));
            assertFalse(a.isDone(), "not acknowledged before the log says it is durable");
            storage.log.releaseInReverse();
            assertEquals(0, a.join().firstOffset());
            assertEquals(2, a.join().endOffset());
            assertEquals(0, engine.stats().queuedBatches());
        }
    }

    @Test
    void aFailureWhileReleasingHeldEventsStopsTheEngine() {
        ManualClock clock = new ManualClock(T0);
        long future = T0 + 10;
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, breakingOnRelease(future), clock)) {
            failReleasing(engine, clock, future);
            // the release failed half way: the engine stops rather than serve or checkpoint that state
            CompletionException e = assertThrows(CompletionException.class,
                    () -> engine.append(SOURCE, batch(List.of(event("c1", T0, 1L)))).join());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("failure"), e.getCause().getMessage());
        }
    }

    @Test
    void aFailedFsyncFailsTheAppendAndReleasesItsPlaceOnce() {
        ManualClock clock = new ManualClock(T0);
        ScriptedStorage storage = new ScriptedStorage();
        EngineOptions two = EngineOptions.defaults().withMaxQueuedBatches(2);
        try (EmbeddedEngine engine = EmbeddedEngine.start(repo(counters()), storage, two, clock)) {
            storage.log.holdDurable = true;
            CompletableFuture<IngestReceipt> a = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 5L))));
            engine.awaitApplied(SOURCE, 1).join();
            storage.log.failHeld(new StorageException("fsync failed"));
            CompletionException e = assertThrows(CompletionException.class, a::join);
            assertInstanceOf(StorageException.class, e.getCause());
            // the engine applied it once and freed its place once: neither leaked nor freed twice
            assertEquals(0, engine.stats().queuedBatches());
            assertEquals(5, read(engine, "c1", "qty_lifetime", T0));
            storage.log.holdDurable = false;
            appendApplied(engine, List.of(event("c1", T0 - 1, 1L)));
            appendApplied(engine, List.of(event("c1", T0 - 1, 1L)));
            assertEquals(7, read(engine, "c1", "qty_lifetime", T0));
            assertEquals(0, engine.stats().queuedBatches());
        }
    }

    @Test
    void batchesApplyInLogOrderWhateverOrderTheirAppendsComplete() {
        ManualClock clock = new ManualClock(T0);
        ScriptedStorage storage = new ScriptedStorage();
        try (EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            storage.log.hold = true;
            CompletableFuture<IngestReceipt> a;
            CompletableFuture<IngestReceipt> b;
            try {
                a = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L))));
                b = engine.append(SOURCE, batch(List.of(event("c1", T0 - 1 - 20_000, 2L))));
            } finally {
                storage.log.releaseInReverse();
            }
            assertEquals(1, b.join().firstOffset());
            assertEquals(0, a.join().firstOffset());
            engine.awaitApplied(SOURCE, 2).join();
            // judged in log order, the second event is late; in completion order it would not be
            assertEquals(1, engine.stats().sources().get(SOURCE).drops().get("LATE"));
            assertEquals(1, storage.deadLetters().list(DeadLetterQuery.newest(1)).getFirst().letter().seq());
            assertEquals(1, read(engine, "c1", "qty_lifetime", T0));
        }
    }

    @Test
    void theDriverClockNeverPassesTheAcceptTimeOfABatchStillInFlight() {
        ManualClock clock = new ManualClock(T0);
        ScriptedStorage storage = new ScriptedStorage();
        try (EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            storage.log.hold = true;
            // accepted at T0, exactly one millisecond too far in the future for the 60 s skew
            CompletableFuture<IngestReceipt> pending = engine.append(SOURCE,
                    batch(List.of(event("c1", T0 + EmbeddedFixtures.SKEW + 1, 1L))));
            try {
                clock.set(T0 + 1);
                engine.advanceClock(); // may move the driver up to T0, not past it, while the batch is in flight
                assertEquals(T0, engine.stats().sources().get(SOURCE).clock());
            } finally {
                storage.log.releaseInReverse();
            }
            engine.awaitApplied(SOURCE, pending.join().endOffset()).join();
            // judged at its logged accept time, as a replay will judge it
            assertEquals(1L, engine.stats().sources().get(SOURCE).drops().get("TOO_FAR_IN_FUTURE"));
            engine.advanceClock();
            assertEquals(T0 + 1, engine.stats().sources().get(SOURCE).clock());
        }
    }

    @Test
    void unknownSourcesAndViewsAreRejected() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo(counters()), storage, clock)) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> engine.append("nope", batch(List.of(event("c1", T0 - 1, 1L)))).join());
            assertInstanceOf(UnknownSourceException.class, e.getCause());
            assertThrows(CompletionException.class, () -> engine.awaitApplied("nope", 1).join());
            assertThrows(NoSuchElementException.class, () -> engine.view("nope"));
            assertThrows(NoSuchElementException.class, () -> engine.read("nope", "c1", T0, new FeatureVector(1)));
            assertFalse(engine.findView("nope").isPresent());
            assertEquals(List.of(VIEW), engine.views().stream().map(v -> v.name()).toList());
            assertTrue(engine.isReady());
        }
    }

    @Test
    void appendsAfterCloseAreRefusedAndCloseAppliesEverythingAcknowledged() {
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage()) {
            EmbeddedEngine engine = start(repo(counters()), storage, clock);
            List<CompletableFuture<IngestReceipt>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, (long) i)))));
            }
            engine.close();
            pending.forEach(CompletableFuture::join);
            assertEquals(20, engine.stats().sources().get(SOURCE).appliedEvents(), "close drains");
            assertFalse(engine.isReady());
            CompletionException e = assertThrows(CompletionException.class,
                    () -> engine.append(SOURCE, batch(List.of(event("c1", T0 - 1, 1L)))).join());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals(1, storage.checkpoints().list().size(), "final checkpoint");
            assertEquals(20L, storage.checkpoints().list().getFirst().positions().get(SOURCE));
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void readsMatchTheBruteForceOracleWhileIngesting(long seed) {
        List<EmbeddedFixtures.Case> cases = EmbeddedFixtures.cases();
        long start = T0 + Math.floorMod(seed, 10_000);
        List<TestEvent> events = TestStreams.generate(seed, 1_000, 5, start, 5, 2_000, 20_000);
        ManualClock clock = new ManualClock(start);
        var oracle = new dev.freshet.testkit.BruteForceOracle(TestStreams.CARD, TestStreams.EVENT_TIME);
        List<Object> keys = EmbeddedFixtures.keys(events);
        try (MemoryStorage storage = new MemoryStorage();
             EmbeddedEngine engine = start(repo(EmbeddedFixtures.specs(cases)), storage, clock)) {
            List<TestEvent> logged = new ArrayList<>();
            List<List<TestEvent>> batches = EmbeddedFixtures.batches(events, seed, 20);
            for (int b = 0; b < batches.size(); b++) {
                long accept = EmbeddedFixtures.acceptTime(batches.get(b));
                clock.set(accept);
                IngestReceipt r = engine.append(SOURCE, batch(batches.get(b))).join();
                assertEquals(accept, r.acceptTime());
                for (int i = 0; i < r.count(); i++) {
                    logged.add(new TestEvent(r.firstOffset() + i, accept, batches.get(b).get(i).values()));
                }
                engine.awaitApplied(SOURCE, r.endOffset()).join();
                boolean lastAtThisTime = b + 1 == batches.size() || EmbeddedFixtures.acceptTime(batches.get(b + 1)) > accept;
                if (lastAtThisTime && b % 6 == 0) {
                    checkAgainstOracle(engine, oracle, cases, logged, keys, accept, "seed=" + seed + " batch=" + b);
                }
            }
            long end = Long.MIN_VALUE;
            for (TestEvent e : events) {
                end = Math.max(end, Math.max(e.arrival(), (Long) e.get(TestStreams.EVENT_TIME)) + 1);
            }
            for (long after : new long[] {0, 1, 999, 1_501, 3_001, 7_001, 10_001, 100_000}) {
                clock.set(end + after);
                checkAgainstOracle(engine, oracle, cases, logged, keys, end + after, "seed=" + seed + " decay");
            }
        }
    }

    private static void checkAgainstOracle(EmbeddedEngine engine, dev.freshet.testkit.BruteForceOracle oracle,
                                           List<EmbeddedFixtures.Case> cases, List<TestEvent> logged, List<Object> keys,
                                           long t, String where) {
        List<TestEvent> accepted = oracle.accepted(logged, EmbeddedFixtures.LATENESS);
        FeatureVector out = new FeatureVector(cases.size());
        for (Object key : keys) {
            engine.read(VIEW, key, t, out);
            for (int i = 0; i < cases.size(); i++) {
                EmbeddedFixtures.compare(cases.get(i), oracle.evaluate(cases.get(i).oracle(), accepted, key, t), out, i,
                        where + " key=" + key + " t=" + t);
            }
        }
    }

    @Test
    void fraudExampleServesItsFeatures() {
        FeatureRepository repo = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage(); EmbeddedEngine engine = start(repo, storage, clock)) {
            var view = engine.view("card_txn");
            EventBatch b = new EventBatch(repo.source("transactions").orElseThrow().schema(), 4);
            Object[][] rows = {
                    {"card-1", "m1", 12.5, "USD", 48.85, 2.35, T0 - 3_000},
                    {"card-1", "m2", 80.0, "EUR", 48.86, 2.36, T0 - 2_000},
                    {"card-1", "m2", -5.0, "USD", 48.87, 2.37, T0 - 1_000},
            };
            for (Object[] row : rows) {
                int r = b.addRow();
                for (int f = 0; f < row.length; f++) {
                    b.setObject(r, f, row[f]);
                }
            }
            IngestReceipt receipt = engine.append("transactions", b).join();
            engine.awaitApplied("transactions", receipt.endOffset()).join();
            FeatureVector out = new FeatureVector(view.features().size());
            engine.readLatest("card_txn", "card-1", out);
            assertEquals(3L, out.value(view.featureIndex("txn_count_5m")));
            assertEquals(92.5, out.value(view.featureIndex("amount_sum_1h")), "refunds excluded");
            assertEquals(1L, out.value(view.featureIndex("foreign_txn_count_1h")));
            assertEquals(48.87, out.value(view.featureIndex("last_lat")));
            assertEquals(T0 - 1_000, out.eventTime(view.featureIndex("last_lat")));
        }
    }

    // ------------------------------------------------------------------------------------- fakes

    /** Memory storage whose log can refuse appends or hold their completions back. */
    private static final class ScriptedStorage implements Storage {
        final ScriptedLog log = new ScriptedLog(new MemoryStorage());

        @Override
        public EventLog eventLog() {
            return log;
        }

        @Override
        public CheckpointStore checkpoints() {
            return log.memory.checkpoints();
        }

        @Override
        public DeadLetterStore deadLetters() {
            return log.memory.deadLetters();
        }

        @Override
        public void close() {
            log.memory.close();
        }
    }

    private static final class ScriptedLog implements EventLog {
        final MemoryStorage memory;
        volatile boolean refuse;
        volatile boolean hold;
        /** Appends are written (and said so) at once; their acknowledgement waits for a release. */
        volatile boolean holdDurable;
        private final List<Held> held = new ArrayList<>();

        /** An append done in memory whose completion is handed out later. */
        private record Held(CompletableFuture<AppendResult> done, CompletableFuture<AppendResult> handedOut) {
        }

        ScriptedLog(MemoryStorage memory) {
            this.memory = memory;
        }

        @Override
        public CompletableFuture<AppendResult> append(String source, List<byte[]> records) {
            if (refuse) {
                return CompletableFuture.failedFuture(new LogOverloadedException("queue full"));
            }
            CompletableFuture<AppendResult> done = memory.eventLog().append(source, records);
            if (!hold) {
                return done;
            }
            Held h = new Held(done, new CompletableFuture<>());
            synchronized (held) {
                held.add(h);
            }
            return h.handedOut();
        }

        @Override
        public CompletableFuture<AppendResult> append(String source, List<byte[]> records, Consumer<AppendResult> onWritten) {
            if (!holdDurable) {
                return EventLog.super.append(source, records, onWritten);
            }
            AppendResult written = memory.eventLog().append(source, records).join();
            onWritten.accept(written);
            Held h = new Held(CompletableFuture.completedFuture(written), new CompletableFuture<>());
            synchronized (held) {
                held.add(h);
            }
            return h.handedOut();
        }

        void failHeld(RuntimeException e) {
            synchronized (held) {
                held.forEach(h -> h.handedOut().completeExceptionally(e));
                held.clear();
            }
        }

        void releaseInReverse() {
            synchronized (held) {
                for (Held h : held.reversed()) {
                    h.handedOut().complete(h.done().join());
                }
                held.clear();
            }
        }

        @Override
        public long endOffset(String source) {
            return memory.eventLog().endOffset(source);
        }

        @Override
        public LogCursor read(String source, long fromOffset) {
            return memory.eventLog().read(source, fromOffset);
        }

        @Override
        public List<String> sources() {
            return memory.eventLog().sources();
        }

        @Override
        public long sizeBytes() {
            return memory.eventLog().sizeBytes();
        }

        @Override
        public long commits() {
            return memory.eventLog().commits();
        }

        @Override
        public void close() {
            memory.eventLog().close();
        }
    }
}
