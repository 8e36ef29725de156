package dev.freshet.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.engine.embedded.EmbeddedEngine;
import dev.freshet.engine.embedded.EmbeddedFixtures;
import dev.freshet.engine.embedded.EngineOptions;
import dev.freshet.engine.embedded.IngestReceipt;
import dev.freshet.model.FeatureRepository;
import dev.freshet.serving.features.FeatureRetriever;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.testkit.BruteForceOracle;
import dev.freshet.testkit.ManualClock;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline driver against the server and the brute-force oracle: a seeded workload (ties,
 * out-of-order, late and future events) is ingested through the embedded engine with a manual
 * clock while the engine's reads are recorded at many times — before any event, between batches,
 * at an accept time, at exactly an event's time, long after the last event. Replaying the engine's
 * log must give every recorded value, status and event timestamp bit for bit, and the recorded
 * values must agree with the oracle (which scans the raw events with {@code event_time < T} and
 * {@code available_at <= T}).
 */
class PointInTimeReaderTest {
    private static final long T0 = 1_000_000;

    static LongStream seeds() {
        return Seeds.of(20_261_126L, 5);
    }

    /** One recorded server read. */
    private record Served(long t, Object key, Object[] values, Status[] statuses, long[] eventTimes) {
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void replayGivesWhatTheServerReturnedAndWhatTheOracleComputes(long seed) {
        List<EmbeddedFixtures.Case> cases = EmbeddedFixtures.cases();
        FeatureRepository repo = EmbeddedFixtures.repo(EmbeddedFixtures.specs(cases));
        long start = T0 + Math.floorMod(seed, 10_000);
        List<TestEvent> events = TestStreams.generate(seed, 600, 5, start, 5, 2_000, 20_000);
        List<Object> keys = EmbeddedFixtures.keys(events);
        BruteForceOracle oracle = new BruteForceOracle(TestStreams.CARD, TestStreams.EVENT_TIME);
        SplittableRandom random = new SplittableRandom(seed);
        ManualClock clock = new ManualClock(start - 10_000);
        List<Served> served = new ArrayList<>();
        try (MemoryStorage storage = new MemoryStorage()) {
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
                List<TestEvent> logged = new ArrayList<>();
                record(engine, oracle, cases, keys, logged, clock, start - 10_000, served); // before any event
                List<List<TestEvent>> batches = EmbeddedFixtures.batches(events, seed, 20);
                for (int b = 0; b < batches.size(); b++) {
                    long accept = EmbeddedFixtures.acceptTime(batches.get(b));
                    if (accept - 1 > clock.millis() && random.nextInt(4) == 0) {
                        // between batches; sometimes at exactly the time of an event already logged
                        long t = random.nextBoolean() || logged.isEmpty()
                                ? random.nextLong(clock.millis(), accept)
                                : Math.clamp((Long) logged.get(random.nextInt(logged.size())).get(TestStreams.EVENT_TIME),
                                        clock.millis(), accept - 1);
                        record(engine, oracle, cases, keys, logged, clock, t, served);
                    }
                    clock.set(accept);
                    IngestReceipt r = engine.append(EmbeddedFixtures.SOURCE, EmbeddedFixtures.batch(batches.get(b))).join();
                    for (int i = 0; i < r.count(); i++) {
                        logged.add(new TestEvent(r.firstOffset() + i, accept, batches.get(b).get(i).values()));
                    }
                    engine.awaitApplied(EmbeddedFixtures.SOURCE, r.endOffset()).join();
                    boolean lastAtThisTime = b + 1 == batches.size() || EmbeddedFixtures.acceptTime(batches.get(b + 1)) > accept;
                    if (lastAtThisTime && random.nextInt(5) == 0) {
                        record(engine, oracle, cases, keys, logged, clock, accept, served);
                    }
                }
                long end = clock.millis();
                for (TestEvent e : events) {
                    end = Math.max(end, (Long) e.get(TestStreams.EVENT_TIME) + 1);
                }
                for (long after : new long[] {0, 1, 1_501, 10_001, 100_000}) {
                    record(engine, oracle, cases, keys, logged, clock, end + after, served);
                }
            }
            List<String> refs = cases.stream().map(c -> EmbeddedFixtures.VIEW + ":" + c.spec().name()).toList();
            try (PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(), FeatureSelection.ofFeatures(refs), 16)) {
                assertEquals(refs, reader.plan().names());
                for (Served s : served) {
                    reader.advanceTo(s.t());
                    FeatureRetriever.Row row = reader.read(Map.of("card_id", s.key()), s.t(), "");
                    for (int i = 0; i < refs.size(); i++) {
                        String where = "seed=" + seed + " key=" + s.key() + " t=" + s.t() + " " + refs.get(i);
                        assertEquals(s.statuses()[i], row.statuses()[i], where + " status");
                        assertEquals(s.eventTimes()[i], row.eventTimes()[i], where + " event time");
                        assertEquals(exact(s.values()[i]), exact(row.values()[i]), where + " value");
                    }
                }
                assertEquals(events.size(), reader.eventsReplayed(), "every logged event replayed");
            }
        }
    }

    /** Moves the clock to {@code t}, reads every key from the engine, checks it with the oracle and records it. */
    private static void record(EmbeddedEngine engine, BruteForceOracle oracle, List<EmbeddedFixtures.Case> cases,
                               List<Object> keys, List<TestEvent> logged, ManualClock clock, long t, List<Served> served) {
        clock.set(t);
        List<TestEvent> accepted = oracle.accepted(logged, EmbeddedFixtures.LATENESS);
        for (Object key : keys) {
            FeatureVector out = new FeatureVector(cases.size());
            engine.read(EmbeddedFixtures.VIEW, key, t, out);
            Object[] values = new Object[cases.size()];
            Status[] statuses = new Status[cases.size()];
            long[] times = new long[cases.size()];
            for (int i = 0; i < cases.size(); i++) {
                EmbeddedFixtures.compare(cases.get(i), oracle.evaluate(cases.get(i).oracle(), accepted, key, t), out, i,
                        "key=" + key + " t=" + t);
                values[i] = out.value(i);
                statuses[i] = out.status(i);
                times[i] = out.eventTime(i);
            }
            served.add(new Served(t, key, values, statuses, times));
        }
    }

    /** Doubles compared by their bits (so -0.0 != 0.0 and NaN == NaN); everything else by equals. */
    private static Object exact(Object v) {
        return v instanceof Double d ? "double:" + Double.doubleToRawLongBits(d) : v;
    }

    @Test
    void partitionedPassesHoldPartOfTheStateAndReadTheSameValues() {
        List<EmbeddedFixtures.Case> cases = EmbeddedFixtures.cases();
        FeatureRepository repo = EmbeddedFixtures.repo(EmbeddedFixtures.specs(cases));
        List<TestEvent> events = TestStreams.generate(7, 2_000, 40, T0, 5, 2_000, 20_000);
        List<Object> keys = EmbeddedFixtures.keys(events);
        List<String> refs = cases.stream().map(c -> EmbeddedFixtures.VIEW + ":" + c.spec().name()).toList();
        ManualClock clock = new ManualClock(T0);
        try (MemoryStorage storage = new MemoryStorage()) {
            try (EmbeddedEngine engine = EmbeddedEngine.start(repo, storage, EngineOptions.defaults(), clock)) {
                for (List<TestEvent> b : EmbeddedFixtures.batches(events, 7, 20)) {
                    clock.set(EmbeddedFixtures.acceptTime(b));
                    engine.append(EmbeddedFixtures.SOURCE, EmbeddedFixtures.batch(b)).join();
                }
            }
            long t = clock.millis() + 5_000;
            List<FeatureRetriever.Row> whole = new ArrayList<>();
            int allKeys;
            try (PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(), FeatureSelection.ofFeatures(refs), 16)) {
                reader.advanceTo(t);
                for (Object key : keys) {
                    whole.add(reader.read(Map.of("card_id", key), t, ""));
                }
                allKeys = reader.keysHeld(EmbeddedFixtures.VIEW);
            }
            int partitions = 3;
            int held = 0;
            int rowsRead = 0;
            for (int p = 0; p < partitions; p++) {
                try (PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(), FeatureSelection.ofFeatures(refs), 16,
                        p, partitions)) {
                    reader.advanceTo(t);
                    assertTrue(reader.keysHeld(EmbeddedFixtures.VIEW) < allKeys, "a pass holds part of the keys");
                    held += reader.keysHeld(EmbeddedFixtures.VIEW);
                    for (int k = 0; k < keys.size(); k++) {
                        Map<String, Object> entity = Map.of("card_id", keys.get(k));
                        if (!reader.inPartition(entity, "")) {
                            continue;
                        }
                        rowsRead++;
                        FeatureRetriever.Row row = reader.read(entity, t, "");
                        for (int i = 0; i < refs.size(); i++) {
                            assertEquals(whole.get(k).statuses()[i], row.statuses()[i], keys.get(k) + " " + refs.get(i));
                            assertEquals(exact(whole.get(k).values()[i]), exact(row.values()[i]), keys.get(k) + " " + refs.get(i));
                        }
                    }
                }
            }
            assertEquals(allKeys, held, "every key in exactly one pass");
            assertEquals(keys.size(), rowsRead, "every row read in exactly one pass");
        }
    }

    @Test
    void readTimesMustNotGoBack() {
        FeatureRepository repo = EmbeddedFixtures.repo(EmbeddedFixtures.specs(EmbeddedFixtures.cases()));
        try (MemoryStorage storage = new MemoryStorage();
             PointInTimeReader reader = new PointInTimeReader(repo, storage.eventLog(),
                     FeatureSelection.ofFeatures(List.of(EmbeddedFixtures.VIEW + ":count_events_w0")), 16)) {
            reader.advanceTo(T0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.advanceTo(T0 - 1));
            assertTrue(e.getMessage().contains("must not decrease"), e.getMessage());
            FeatureRetriever.Row row = reader.read(Map.of("card_id", "nobody"), T0, "");
            assertEquals(Status.PRESENT, row.statuses()[0], "a count over no events is 0, present");
            assertEquals(0L, row.values()[0]);
        }
    }
}
