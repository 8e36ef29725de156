package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.aggregation.watermark.DeadLetter;
import dev.freshet.engine.checkpoint.TableCodec;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched, prefetching path ({@link SourceDriver#offerBatch}) is an optimization only: for any
 * stream cut into batches, it gives the same verdicts, dead letters and state (byte for byte) as
 * offering the same events one by one at the same accept times.
 */
class OfferBatchEquivalenceTest {

    static LongStream seeds() {
        return Seeds.of(77_2026, 25);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void batchedOfferEqualsOneByOneOffer(long seed) {
        List<TestEvent> arrivals = TestStreams.generate(seed, 600, 40, 1_700_000_000_000L, 300, 3_000, 40_000);
        CompiledView view = EngineFixtures.compile(EngineFixtures.everyFunctionAndWindow());
        List<DeadLetter> lettersA = new ArrayList<>();
        List<DeadLetter> lettersB = new ArrayList<>();
        SourceDriver single = new SourceDriver(EngineFixtures.source(), List.of(new TileTable(view, 8)), lettersA::add, 1);
        SourceDriver batched = new SourceDriver(EngineFixtures.source(), List.of(new TileTable(view, 8)), lettersB::add, 1);

        SplittableRandom r = new SplittableRandom(seed);
        TestRow row = new TestRow(null);
        int from = 0;
        while (from < arrivals.size()) {
            int to = Math.min(arrivals.size(), from + 1 + r.nextInt(60));
            long accept = arrivals.get(to - 1).arrival();
            EventBatch batch = new EventBatch(TestStreams.SCHEMA, to - from);
            Verdict[] expected = new Verdict[to - from];
            for (int i = from; i < to; i++) {
                TestEvent e = arrivals.get(i);
                int pos = batch.addRow();
                for (int f = 0; f < TestStreams.SCHEMA.size(); f++) {
                    batch.setObject(pos, f, e.get(f));
                }
                expected[i - from] = single.offer(row.reset(e.values()), 0, e.seq(), accept, () -> "payload-" + e.seq());
            }
            Verdict[] got = new Verdict[to - from];
            int base = from;
            batched.offerBatch(batch, 0, to - from, 0, arrivals.get(from).seq(), accept, got, i -> "payload-" + (base + i));
            assertArrayEquals(expected, got, "verdicts of batch starting at " + from);
            from = to;
        }
        long end = arrivals.getLast().arrival() + 60_000;
        single.advanceTo(end);
        batched.advanceTo(end);
        assertEquals(lettersA, lettersB);
        assertEquals(single.drops().snapshot(), batched.drops().snapshot());
        assertEquals(single.appliedCount(), batched.appliedCount());
        assertArrayEquals(TableCodec.encode(single.tables().getFirst()), TableCodec.encode(batched.tables().getFirst()),
                "state after batched application differs");
    }

    /**
     * Runs where every event has its own accept time (as a log written event by event replays):
     * the same drops, applied count and state as one-by-one offers, including held events released
     * in the middle of a run.
     */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void perEventAcceptTimesEqualOneByOneOffer(long seed) {
        List<TestEvent> arrivals = TestStreams.generate(seed, 600, 40, 1_700_000_000_000L, 300, 3_000, 40_000);
        CompiledView view = EngineFixtures.compile(EngineFixtures.everyFunctionAndWindow());
        List<DeadLetter> lettersA = new ArrayList<>();
        List<DeadLetter> lettersB = new ArrayList<>();
        SourceDriver single = new SourceDriver(EngineFixtures.source(), List.of(new TileTable(view, 8)), lettersA::add, 1);
        SourceDriver batched = new SourceDriver(EngineFixtures.source(), List.of(new TileTable(view, 8)), lettersB::add, 1);
        SplittableRandom r = new SplittableRandom(seed);
        TestRow row = new TestRow(null);
        int from = 0;
        while (from < arrivals.size()) {
            int to = Math.min(arrivals.size(), from + 1 + r.nextInt(80));
            EventBatch batch = new EventBatch(TestStreams.SCHEMA, to - from);
            long[] accepts = new long[to - from];
            for (int i = from; i < to; i++) {
                TestEvent e = arrivals.get(i);
                int pos = batch.addRow();
                for (int f = 0; f < TestStreams.SCHEMA.size(); f++) {
                    batch.setObject(pos, f, e.get(f));
                }
                accepts[i - from] = e.arrival();
                single.offer(row.reset(e.values()), 0, e.seq(), e.arrival(), null);
            }
            batched.offerBatch(batch, 0, to - from, 0, arrivals.get(from).seq(), accepts);
            assertEquals(single.appliedCount(), batched.appliedCount(), "applied after the run starting at " + from);
            from = to;
        }
        long end = arrivals.getLast().arrival() + 60_000;
        single.advanceTo(end);
        batched.advanceTo(end);
        assertEquals(lettersA.stream().map(DeadLetter::seq).toList(), lettersB.stream().map(DeadLetter::seq).toList());
        assertEquals(single.drops().snapshot(), batched.drops().snapshot());
        assertArrayEquals(TableCodec.encode(single.tables().getFirst()), TableCodec.encode(batched.tables().getFirst()),
                "state after batched application differs");
    }
}
