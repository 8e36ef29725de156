package dev.freshet.engine.embedded;

import static dev.freshet.engine.embedded.EmbeddedFixtures.SOURCE;
import static dev.freshet.engine.embedded.EmbeddedFixtures.VIEW;
import static dev.freshet.engine.embedded.EmbeddedFixtures.batch;
import static dev.freshet.engine.embedded.EmbeddedFixtures.count;
import static dev.freshet.engine.embedded.EmbeddedFixtures.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Schema;
import dev.freshet.storage.DeadLetterQuery;
import dev.freshet.storage.LogCursor;
import java.util.SplittableRandom;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.AggregationSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.WindowSpec;
import dev.freshet.model.yaml.RepositoryLoader;
import dev.freshet.storage.Checkpoint;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once across restarts, in process: an engine on RocksDB that is closed (final checkpoint),
 * crashed after a mid-stream checkpoint (restore + replay of the tail) or crashed without any
 * checkpoint (full replay) and restarted ends in exactly the state — tile tables byte for byte,
 * driver state, reads, dead letters — of an engine on memory storage that saw the same appends and
 * never stopped, and stays identical as ingestion continues.
 */
@Timeout(180)
class EmbeddedEngineRestartTest {
    private static final long START = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    enum Stop {
        /** close(): drain and final checkpoint; the restart replays nothing. */
        CLEAN_CLOSE,
        /** halt() after a mid-stream checkpoint: restore it and replay the tail. */
        CRASH_AFTER_CHECKPOINT,
        /** halt() with no checkpoint ever written: replay the whole log. */
        CRASH_WITHOUT_CHECKPOINT,
        /**
         * halt() with periodic checkpoints every 50 ms of the clock, each encoded one key per engine
         * step while batches keep arriving (copy before write): restore the newest, replay the tail.
         */
        CRASH_AFTER_PERIODIC_CHECKPOINTS
    }

    static Stream<Arguments> stopsAndSeeds() {
        List<Arguments> cases = new ArrayList<>();
        for (Stop stop : Stop.values()) {
            Seeds.of(20_261_202L, 3).forEach(seed -> cases.add(Arguments.of(stop, seed)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} seed={1}")
    @MethodSource("stopsAndSeeds")
    void restartedEngineIsIdenticalToOneThatNeverStopped(Stop stop, long seed) {
        FeatureRepository repo = EmbeddedFixtures.repo(EmbeddedFixtures.specs(EmbeddedFixtures.cases()));
        List<TestEvent> events = TestStreams.generate(seed, 1_500, 6, START, 4, 2_000, 20_000);
        List<List<TestEvent>> batches = EmbeddedFixtures.batches(events, seed, 25);
        int firstCut = batches.size() / 3;
        int secondCut = 2 * batches.size() / 3;
        ManualClock clock = new ManualClock(START);
        EngineOptions options = EngineOptions.defaults()
                .withCheckpointInterval(stop == Stop.CRASH_AFTER_PERIODIC_CHECKPOINTS ? Duration.ofMillis(50) : Duration.ofDays(365))
                .withCheckpointKeysPerStep(1)
                .withCheckpointPartBytes(2_048) // view images of several parts: restored as one table
                .withCheckpointOnClose(stop == Stop.CLEAN_CLOSE);
        Path dir = tmp.resolve("data");
        try (MemoryStorage refStorage = new MemoryStorage();
             EmbeddedEngine reference = EmbeddedEngine.start(repo, refStorage, EngineOptions.defaults(), clock)) {
            long end;
            try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
                EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, options, clock);
                feed(batches.subList(0, firstCut), clock, reference, engine);
                if (stop == Stop.CRASH_AFTER_CHECKPOINT) {
                    engine.checkpointNow();
                }
                while (stop == Stop.CRASH_AFTER_PERIODIC_CHECKPOINTS && engine.stats().checkpoints().count() == 0) {
                    engine.advanceClock(); // engine steps until the first periodic checkpoint is saved
                }
                end = feed(batches.subList(firstCut, secondCut), clock, reference, engine);
                reference.awaitApplied(SOURCE, end).join();
                if (stop == Stop.CLEAN_CLOSE) {
                    engine.close();
                } else {
                    engine.halt(); // possibly with durable batches not yet applied
                }
            }
            try (EmbeddedStorage storage = EmbeddedStorage.open(dir);
                 EmbeddedEngine restarted = EmbeddedEngine.start(repo, storage, options, clock)) {
                var recovery = restarted.stats().recovery();
                switch (stop) {
                    case CLEAN_CLOSE -> {
                        assertEquals(List.of(SOURCE), recovery.restoredSources());
                        assertEquals(0L, recovery.replayedEvents().get(SOURCE));
                    }
                    case CRASH_AFTER_CHECKPOINT -> {
                        assertEquals(List.of(SOURCE), recovery.restoredSources());
                        assertTrue(recovery.replayedEvents().get(SOURCE) > 0);
                    }
                    case CRASH_AFTER_PERIODIC_CHECKPOINTS -> assertEquals(List.of(SOURCE), recovery.restoredSources());
                    case CRASH_WITHOUT_CHECKPOINT -> {
                        assertEquals(List.of(SOURCE), recovery.rebuiltSources());
                        assertEquals(end, recovery.replayedEvents().get(SOURCE));
                    }
                }
                if (stop != Stop.CRASH_WITHOUT_CHECKPOINT) {
                    var blobs = storage.checkpoints().loadLatest().orElseThrow().blobs().keySet();
                    assertTrue(blobs.contains(EmbeddedEngine.partBlob(EmbeddedEngine.viewBlob(VIEW), 1)),
                            "the restored view image was stored in parts: " + blobs);
                }
                assertIdentical(reference, refStorage, restarted, storage, events, "after restart");
                long finalEnd = feed(batches.subList(secondCut, batches.size()), clock, reference, restarted);
                reference.awaitApplied(SOURCE, finalEnd).join();
                restarted.awaitApplied(SOURCE, finalEnd).join();
                assertIdentical(reference, refStorage, restarted, storage, events, "after more ingestion");
            }
        }
    }

    /** Appends each batch to both engines at its accept time; returns the end offset. */
    private static long feed(List<List<TestEvent>> batches, ManualClock clock, EmbeddedEngine a, EmbeddedEngine b) {
        long end = 0;
        int i = 0;
        for (List<TestEvent> events : batches) {
            clock.set(EmbeddedFixtures.acceptTime(events));
            IngestReceipt ra = a.append(SOURCE, batch(events)).join();
            IngestReceipt rb = b.append(SOURCE, batch(events)).join();
            assertEquals(ra, rb);
            end = ra.endOffset();
            if (++i % 5 == 0) {
                a.advanceClock(); // clock steps only one engine sees must not change the outcome
            }
        }
        return end;
    }

    private static void assertIdentical(EmbeddedEngine reference, MemoryStorage refStorage, EmbeddedEngine engine,
                                        EmbeddedStorage storage, List<TestEvent> events, String when) {
        long end = refStorage.eventLog().endOffset(SOURCE);
        reference.awaitApplied(SOURCE, end).join();
        engine.awaitApplied(SOURCE, end).join();
        reference.advanceClock();
        engine.advanceClock();
        assertArrayEquals(reference.encodedView(VIEW), engine.encodedView(VIEW), when + ": tile table bytes");
        assertEquals(reference.driverState(SOURCE), engine.driverState(SOURCE), when + ": driver state");
        long now = engine.stats().sources().get(SOURCE).clock();
        List<Long> times = List.of(now, now + 1, now + 1_499, now + 3_001, now + 7_000, now + 10_001, now + 1_000_000);
        List<Object> keys = EmbeddedFixtures.keys(events);
        assertEquals(EmbeddedFixtures.renderReads(reference, VIEW, keys, times),
                EmbeddedFixtures.renderReads(engine, VIEW, keys, times), when + ": reads");
        assertEquals(refStorage.deadLetters().countsByReason(), storage.deadLetters().countsByReason(), when + ": dead letters");
        assertEquals(reference.stats().sources().get(SOURCE).drops(), engine.stats().sources().get(SOURCE).drops());
    }

    /** Ingests {@code events} (one batch each, at the given clock times), then stops as {@code stop} says. */
    private void ingestThenStop(Stop stop, FeatureRepository repo, ManualClock clock, long[] times, TestEvent[] events) {
        EngineOptions options = EngineOptions.defaults().withCheckpointOnClose(stop == Stop.CLEAN_CLOSE);
        try (EmbeddedStorage storage = EmbeddedStorage.open(tmp.resolve("data"))) {
            EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, options, clock);
            for (int i = 0; i < events.length; i++) {
                clock.set(times[i]);
                IngestReceipt r = engine.append(SOURCE, batch(List.of(events[i]))).join();
                if (stop == Stop.CRASH_AFTER_CHECKPOINT && i == events.length - 1) {
                    engine.awaitApplied(SOURCE, r.endOffset()).join();
                    engine.checkpointNow();
                }
            }
            if (stop == Stop.CLEAN_CLOSE) {
                engine.close();
            } else {
                engine.halt();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Stop.class)
    void watermarkSurvivesARestart(Stop stop) {
        ManualClock clock = new ManualClock(START);
        FeatureRepository repo = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())));
        ingestThenStop(stop, repo, clock, new long[] {START, START + 10},
                new TestEvent[] {EmbeddedFixtures.event("c1", START - 1, 1L), EmbeddedFixtures.event("c1", START + 9, 1L)});
        try (EmbeddedStorage storage = EmbeddedStorage.open(tmp.resolve("data"));
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
            var stats = engine.stats().sources().get(SOURCE);
            assertEquals(START + 9, stats.maxEventTime());
            assertEquals(START + 9 - EmbeddedFixtures.LATENESS, stats.watermark());
            assertEquals(0, stats.heldEvents());
            IngestReceipt late = engine.append(SOURCE, batch(List.of(EmbeddedFixtures.event("c1", START + 9 - 10_001, 1L)))).join();
            IngestReceipt onTime = engine.append(SOURCE, batch(List.of(EmbeddedFixtures.event("c1", START + 9 - 10_000, 1L)))).join();
            engine.awaitApplied(SOURCE, onTime.endOffset()).join();
            assertEquals(1L, engine.stats().sources().get(SOURCE).drops().get("LATE"));
            assertEquals(late.firstOffset(), storage.deadLetters().list(dev.freshet.storage.DeadLetterQuery.newest(1))
                    .getFirst().letter().seq());
            var out = new dev.freshet.aggregation.FeatureVector(1);
            engine.read(VIEW, "c1", START + 10, out);
            assertEquals(3L, out.value(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(Stop.class)
    void heldEventsAndTheClockSurviveARestart(Stop stop) {
        ManualClock clock = new ManualClock(START);
        FeatureRepository repo = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())));
        ingestThenStop(stop, repo, clock, new long[] {START, START + 5},
                new TestEvent[] {EmbeddedFixtures.event("c1", START - 1, 1L), EmbeddedFixtures.event("c2", START + 1_000, 1L)});
        try (EmbeddedStorage storage = EmbeddedStorage.open(tmp.resolve("data"));
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
            var stats = engine.stats().sources().get(SOURCE);
            assertEquals(1, stats.heldEvents(), "the future event is still held");
            assertEquals(START + 5, stats.clock());
            assertEquals(1, stats.appliedEvents());
            var out = new dev.freshet.aggregation.FeatureVector(1);
            clock.set(START + 1_000);
            engine.advanceClock();
            engine.read(VIEW, "c2", START + 1_000, out);
            assertEquals(0L, out.value(0), "not before its event time");
            clock.set(START + 1_001);
            engine.advanceClock();
            engine.read(VIEW, "c2", START + 1_001, out);
            assertEquals(1L, out.value(0), "applied once the clock passes it");
            assertEquals(2, engine.stats().sources().get(SOURCE).appliedEvents());
        }
    }

    /**
     * The live path applies each appended batch from memory, a replay decodes the log's records.
     * Strings UTF-8 cannot carry (unpaired surrogates, logged as '?') as keys, filtered fields and
     * sketch inputs, and late and future events among them, must leave the same state either way.
     * Appending without waiting lets batches pile up, so the live engine also decodes some (a
     * backlog waits as records).
     */
    @ParameterizedTest(name = "await each batch: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void stringsUtf8CannotCarryGiveTheSameStateLiveAndReplayed(boolean awaitEach) {
        FeatureRepository repo = RepositoryLoader.load(Path.of("..", "examples", "fraud")).repositoryOrThrow();
        Schema schema = repo.source("transactions").orElseThrow().schema();
        String[] cards = {"card-\uD800", "card-?", "card-\uD83D\uDE00", "\uDC00", "card-1"};
        String[] merchants = {"m\uDBFF", "m?", "m\uD83D\uDE00x", "m1"};
        String[] currencies = {"USD", "US\uD800", "\uDC00SD", "EUR"};
        long[] offsets = {-1_000, -60_000, -3_600_000, -2 * 86_400_000L, 500, 10 * 60_000L};
        SplittableRandom r = new SplittableRandom(20_261_127L);
        ManualClock clock = new ManualClock(START);
        try (MemoryStorage liveStorage = new MemoryStorage(); MemoryStorage replayStorage = new MemoryStorage()) {
            byte[] liveImage;
            DriverState liveDriver;
            try (EmbeddedEngine live = EmbeddedEngine.start(repo, liveStorage, EngineOptions.defaults(), clock)) {
                for (int b = 0; b < 60; b++) {
                    clock.set(START + b * 1_000L);
                    EventBatch batch = new EventBatch(schema, 16);
                    for (int i = 0; i < 1 + r.nextInt(30); i++) {
                        int row = batch.addRow();
                        Object[] values = {cards[r.nextInt(cards.length)], merchants[r.nextInt(merchants.length)],
                                r.nextDouble(-5, 500), currencies[r.nextInt(currencies.length)], 48.0, 2.0,
                                clock.millis() + offsets[r.nextInt(offsets.length)]};
                        for (int f = 0; f < values.length; f++) {
                            batch.setObject(row, schema.indexOf(FIELDS.get(f)), values[f]);
                        }
                    }
                    IngestReceipt receipt = live.append("transactions", batch).join();
                    if (awaitEach) {
                        live.awaitApplied("transactions", receipt.endOffset()).join();
                    }
                }
                live.awaitApplied("transactions", liveStorage.eventLog().endOffset("transactions")).join();
                live.advanceClock();
                liveImage = live.encodedView("card_txn");
                liveDriver = live.driverState("transactions");
            }
            List<byte[]> records = new ArrayList<>();
            try (LogCursor c = liveStorage.eventLog().read("transactions", 0)) {
                while (c.next()) {
                    records.add(c.record());
                }
            }
            replayStorage.eventLog().append("transactions", records).join();
            try (EmbeddedEngine replayed = EmbeddedEngine.start(repo, replayStorage, EngineOptions.defaults(), clock)) {
                assertEquals(records.size(), replayed.stats().recovery().replayedEvents().get("transactions"));
                replayed.advanceClock();
                assertArrayEquals(liveImage, replayed.encodedView("card_txn"), "tile table bytes");
                assertEquals(liveDriver, replayed.driverState("transactions"), "driver state");
            }
            assertEquals(deadLetters(liveStorage), deadLetters(replayStorage));
            assertTrue(deadLetters(liveStorage).size() > 0, "some events were too late");
        }
    }

    private static final List<String> FIELDS = List.of("card_id", "merchant_id", "amount", "currency", "lat", "lon", "event_time");

    private static List<String> deadLetters(MemoryStorage storage) {
        return storage.deadLetters().list(DeadLetterQuery.newest(10_000)).stream()
                .map(d -> d.letter().seq() + " " + d.letter().reason() + " " + d.letter().detail() + " " + d.letter().payload())
                .toList();
    }

    @Test
    void changedDefinitionsRebuildOnlyTheirSourceFromTheLog() {
        ManualClock clock = new ManualClock(START);
        List<AggregationSpec> v1 = List.of(count("n", new WindowSpec.Lifetime()));
        List<AggregationSpec> v2 = List.of(count("n", new WindowSpec.Lifetime()), sum("qty", "qty", new WindowSpec.Lifetime()));
        Path dir = tmp.resolve("data");
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            try (EmbeddedEngine engine = EmbeddedEngine.start(twoSources(v1), storage, EngineOptions.defaults(), clock)) {
                for (String source : List.of(SOURCE, "other")) {
                    IngestReceipt r = engine.append(source, batch(List.of(EmbeddedFixtures.event("c1", START - 5, 3L),
                            EmbeddedFixtures.event("c1", START - 4, 4L)))).join();
                    engine.awaitApplied(source, r.endOffset()).join();
                }
            }
            Checkpoint cp = storage.checkpoints().loadLatest().orElseThrow();
            assertEquals(Map.of(SOURCE, 2L, "other", 2L), cp.positions());
            assertTrue(cp.blobs().keySet().containsAll(List.of("meta", "source:txn", "source:other", "view:card_txn", "view:other_view")),
                    cp.blobs().keySet().toString());
            try (EmbeddedEngine engine = EmbeddedEngine.start(twoSources(v2), storage, EngineOptions.defaults(), clock)) {
                var recovery = engine.stats().recovery();
                assertEquals(List.of("other"), recovery.restoredSources());
                assertEquals(List.of(SOURCE), recovery.rebuiltSources());
                assertEquals(2L, recovery.replayedEvents().get(SOURCE));
                var out = new dev.freshet.aggregation.FeatureVector(2);
                engine.read(VIEW, "c1", START, out);
                assertEquals(2L, out.value(0));
                assertEquals(7L, out.value(1), "the new feature covers events from before the change");
            }
        }
    }

    private static FeatureRepository twoSources(List<AggregationSpec> features) {
        return FeatureRepository.builder()
                .entity(EmbeddedFixtures.CARD)
                .source(EmbeddedFixtures.source(SOURCE, EmbeddedFixtures.LATENESS, EmbeddedFixtures.SKEW))
                .source(EmbeddedFixtures.source("other", EmbeddedFixtures.LATENESS, EmbeddedFixtures.SKEW))
                .featureView(new FeatureViewSpec(VIEW, "card", SOURCE, features, null, null, Map.of(), ""))
                .featureView(new FeatureViewSpec("other_view", "card", "other", List.of(count("n", new WindowSpec.Lifetime())),
                        null, null, Map.of(), ""))
                .build();
    }

    // A late event stayed counted as LATE but its dead letter was gone for good after a changed
    // repository crashed before checkpointing and the previous repository was restored.
    @Test
    void deadLettersMatchTheCountsAfterACrashedRebuildAndARollback() {
        ManualClock clock = new ManualClock(START);
        FeatureRepository a = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())), 10_000, 60_000);
        FeatureRepository b = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())), 60_000, 60_000);
        Path dir = tmp.resolve("rollback");
        runThenClose(dir, a, clock, List.of(EmbeddedFixtures.event("c1", START - 1, 1L), EmbeddedFixtures.event("c1", START - 20_000, 1L)));
        crashRightAfterRecovery(dir, b, clock); // rebuilds the source: the late event is now applied
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir);
             EmbeddedEngine engine = EmbeddedEngine.start(a, storage, EngineOptions.defaults(), clock)) {
            assertEquals(1L, engine.stats().sources().get(SOURCE).drops().get("LATE"));
            assertEquals(1, storage.deadLetters().list(DeadLetterQuery.newest(10).withReason("LATE")).size(),
                    "the late event counted by the state must be in the dead-letter store");
        }
    }

    // The mirror case: a letter written by the changed repository must not outlive a rollback to
    // definitions under which the event is applied (it would be both counted and dead-lettered).
    @Test
    void noDeadLetterOfTheChangedDefinitionsSurvivesARollback() {
        ManualClock clock = new ManualClock(START);
        FeatureRepository a = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())), 60_000, 60_000);
        FeatureRepository b = EmbeddedFixtures.repo(List.of(count("n", new WindowSpec.Lifetime())), 10_000, 60_000);
        Path dir = tmp.resolve("mirror");
        runThenClose(dir, a, clock, List.of(EmbeddedFixtures.event("c1", START - 1, 1L), EmbeddedFixtures.event("c1", START - 20_000, 1L)));
        crashRightAfterRecovery(dir, b, clock); // rebuilds the source: the second event is now LATE
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir);
             EmbeddedEngine engine = EmbeddedEngine.start(a, storage, EngineOptions.defaults(), clock)) {
            assertEquals(0L, engine.stats().sources().get(SOURCE).drops().getOrDefault("LATE", 0L));
            assertEquals(List.of(), storage.deadLetters().list(DeadLetterQuery.newest(10)));
            FeatureVector out = new FeatureVector(1);
            engine.read(VIEW, "c1", START + 1, out);
            assertEquals(2L, out.getLong(0));
        }
    }

    private static void runThenClose(Path dir, FeatureRepository repo, ManualClock clock, List<TestEvent> events) {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir);
             EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
            IngestReceipt last = null;
            for (TestEvent e : events) {
                last = engine.append(SOURCE, batch(List.of(e))).join();
            }
            engine.awaitApplied(SOURCE, last.endOffset()).join();
        }
    }

    private static void crashRightAfterRecovery(Path dir, FeatureRepository repo, ManualClock clock) {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock);
            assertEquals(List.of(SOURCE), engine.stats().recovery().rebuiltSources());
            engine.halt();
        }
    }
}
