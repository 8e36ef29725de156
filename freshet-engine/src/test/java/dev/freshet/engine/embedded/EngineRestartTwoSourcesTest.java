package dev.freshet.engine.embedded;

import static dev.freshet.engine.embedded.EmbeddedFixtures.CARD;
import static dev.freshet.engine.embedded.EmbeddedFixtures.LATENESS;
import static dev.freshet.engine.embedded.EmbeddedFixtures.SKEW;
import static dev.freshet.engine.embedded.EmbeddedFixtures.SOURCE;
import static dev.freshet.engine.embedded.EmbeddedFixtures.VIEW;
import static dev.freshet.engine.embedded.EmbeddedFixtures.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.model.FeatureRepository;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.storage.memory.MemoryStorage;
import dev.freshet.storage.rocksdb.EmbeddedStorage;
import dev.freshet.testkit.ManualClock;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly-once across a crash with two sources (a stream with every window kind, a batch source with
 * latest-value features, which EmbeddedEngineRestartTest does not have), many future (held) events,
 * reads that request held releases, clock steps only the live engine sees, and periodic checkpoints
 * encoded one key per step: crash, restart, and compare with a never-stopped engine.
 */
@Timeout(300)
class EngineRestartTwoSourcesTest {
    private static final long START = 1_700_000_000_000L;
    private static final String PROFILE = "profile";
    private static final String PROFILE_VIEW = "profile_latest";

    @TempDir
    Path tmp;

    private static FeatureRepository repo() {
        SourceSpec profile = new SourceSpec(PROFILE, SourceKind.BATCH, TestStreams.SCHEMA, "event_time",
                Duration.ofMillis(LATENESS), null, Duration.ofMillis(SKEW), null, "");
        return FeatureRepository.builder()
                .entity(CARD)
                .source(EmbeddedFixtures.source(SOURCE, LATENESS, SKEW))
                .source(profile)
                .featureView(new FeatureViewSpec(VIEW, "card", SOURCE, EmbeddedFixtures.specs(EmbeddedFixtures.cases()), null, null,
                        Map.of(), ""))
                .featureView(new FeatureViewSpec(PROFILE_VIEW, "card", PROFILE, List.of(),
                        List.of(new BatchFeatureSpec("last_qty", "qty", ""), new BatchFeatureSpec("last_merchant", "merchant", ""),
                                new BatchFeatureSpec("last_amount", "amount", ""), new BatchFeatureSpec("last_flag", "flag", "")),
                        Duration.ofSeconds(30), Map.of(), ""))
                .build();
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1L, 2L, 3L})
    void restartedEngineMatchesANeverStoppedOneWithHeldEventsAndBatchRows(long seed) {
        FeatureRepository repo = repo();
        List<TestEvent> events = TestStreams.generate(seed, 1_500, 6, START, 4, 5_000, 20_000);
        List<List<TestEvent>> batches = EmbeddedFixtures.batches(events, seed, 12);
        int cut = batches.size() / 2;
        ManualClock clock = new ManualClock(START);
        EngineOptions options = EngineOptions.defaults().withCheckpointInterval(Duration.ofMillis(20))
                .withCheckpointKeysPerStep(1).withCheckpointPartBytes(2_048).withCheckpointOnClose(false);
        SplittableRandom r = new SplittableRandom(seed);
        Path dir = tmp.resolve("data");
        try (MemoryStorage refStorage = new MemoryStorage();
             EmbeddedEngine reference = EmbeddedEngine.start(repo, refStorage, EngineOptions.defaults(), clock)) {
            try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
                EmbeddedEngine live = EmbeddedEngine.start(repo, storage, options, clock);
                feed(batches.subList(0, cut), clock, reference, live, r, events);
                live.halt();
            }
            try (EmbeddedStorage storage = EmbeddedStorage.open(dir);
                 EmbeddedEngine restarted = EmbeddedEngine.start(repo, storage, options, clock)) {
                compare(reference, restarted, "after restart");
                feed(batches.subList(cut, batches.size()), clock, reference, restarted, r, events);
                compare(reference, restarted, "after more ingestion");
            }
        }
    }

    private static void feed(List<List<TestEvent>> batches, ManualClock clock, EmbeddedEngine ref, EmbeddedEngine live,
                             SplittableRandom r, List<TestEvent> all) {
        FeatureVector v1 = new FeatureVector(live.view(VIEW).features().size());
        FeatureVector v2 = new FeatureVector(live.view(PROFILE_VIEW).features().size());
        for (List<TestEvent> events : batches) {
            clock.set(Math.max(clock.millis(), EmbeddedFixtures.acceptTime(events)));
            for (String source : List.of(SOURCE, PROFILE)) {
                IngestReceipt a = ref.append(source, batch(events)).join();
                IngestReceipt b = live.append(source, batch(events)).join();
                assertEquals(a, b);
            }
            int k = r.nextInt(10);
            if (k == 0) {
                live.advanceClock();
            } else if (k == 1) {
                ref.advanceClock();
            } else if (k < 5) {
                Object key = all.get(r.nextInt(all.size())).get(TestStreams.CARD);
                live.read(VIEW, key, clock.millis(), v1);
                live.read(PROFILE_VIEW, key, clock.millis(), v2);
            }
            if (r.nextInt(20) == 0) {
                clock.set(clock.millis() + r.nextInt(3_000));
                live.advanceClock();
            }
        }
    }

    private static void compare(EmbeddedEngine reference, EmbeddedEngine engine, String when) {
        for (String source : List.of(SOURCE, PROFILE)) {
            long end = reference.stats().sources().get(source).logEndOffset();
            reference.awaitApplied(source, end).join();
            engine.awaitApplied(source, end).join();
        }
        reference.advanceClock();
        engine.advanceClock();
        assertArrayEquals(reference.encodedView(VIEW), engine.encodedView(VIEW), when + ": " + VIEW);
        assertArrayEquals(reference.encodedView(PROFILE_VIEW), engine.encodedView(PROFILE_VIEW), when + ": " + PROFILE_VIEW);
        assertEquals(reference.driverState(SOURCE), engine.driverState(SOURCE), when + ": driver " + SOURCE);
        assertEquals(reference.driverState(PROFILE), engine.driverState(PROFILE), when + ": driver " + PROFILE);
    }
}
