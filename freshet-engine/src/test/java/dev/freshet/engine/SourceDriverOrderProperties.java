package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.checkpoint.TableCodec;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestRow;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver's application order is the contract that makes online and offline agree: accepted
 * events are applied in order of (max(accept time, event_time + 1), seq). Proven by feeding random
 * multi-partition streams (out of order, late, future, ties; the clock also advanced between and
 * beyond arrivals) through a {@link SourceDriver} and comparing the resulting state, byte for byte,
 * with a table that applied the accepted events in that sorted order. Streams start at random times
 * between -5e9 and 5e9 ms.
 */
class SourceDriverOrderProperties {
    private static final long LATENESS = 10_000;
    private static final long SKEW = 2_000;
    private static final int PARTITIONS = 3;
    private static final SourceSpec SOURCE = EngineFixtures.source(LATENESS, SKEW);
    private static final CompiledView VIEW = EngineFixtures.compile(SOURCE, EngineFixtures.CARD, EngineFixtures.everyFunctionAndWindow());

    private record Accepted(TestEvent event, long acceptTime) {
        long effective() {
            return Math.max(acceptTime, EngineFixtures.effective(event));
        }
    }

    static LongStream seeds() {
        return Seeds.of(4711, 30);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void driverAppliesAcceptedEventsInEffectiveTimeThenSeqOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long start = r.nextLong(-5_000_000_000L, 5_000_000_001L);
        List<TestEvent> arrivals = TestStreams.generate(seed, 250, 4, start, 400, 3_000, 40_000);
        TileTable driven = new TileTable(VIEW, 8);
        SourceDriver driver = new SourceDriver(SOURCE, List.of(driven), letter -> { }, PARTITIONS);

        long[] maxEventTime = new long[PARTITIONS];
        Arrays.fill(maxEventTime, Long.MIN_VALUE);
        long clock = Long.MIN_VALUE;
        long lastEventTime = Long.MIN_VALUE;
        List<Accepted> accepted = new ArrayList<>();
        TestRow row = new TestRow(null);
        for (TestEvent e : arrivals) {
            int partition = r.nextInt(PARTITIONS);
            long et = EngineFixtures.eventTime(e);
            lastEventTime = Math.max(lastEventTime, et);
            if (r.nextInt(4) == 0) {
                // the clock moves on between arrivals, sometimes past the next accept times
                long to = e.arrival() + r.nextLong(-800, 1_500);
                driver.advanceTo(to);
                clock = Math.max(clock, to);
            }
            clock = Math.max(clock, e.arrival());
            Verdict want;
            if (et > clock && et - clock > SKEW) {
                want = Verdict.TOO_FAR_IN_FUTURE;
            } else if (maxEventTime[partition] != Long.MIN_VALUE && et < maxEventTime[partition] - LATENESS) {
                want = Verdict.LATE;
            } else {
                maxEventTime[partition] = Math.max(maxEventTime[partition], et);
                want = et < clock ? Verdict.APPLIED : Verdict.HELD;
                accepted.add(new Accepted(e, clock));
            }
            Verdict got = driver.offer(row.reset(e.values()), partition, e.seq(), e.arrival(), () -> "payload");
            assertEquals(want, got, "seed=" + seed + " " + e);
        }
        driver.advanceTo(lastEventTime == Long.MAX_VALUE ? lastEventTime : lastEventTime + 1);
        assertEquals(0, driver.heldCount());
        assertEquals(accepted.size(), driver.appliedCount());

        accepted.sort(Comparator.comparingLong(Accepted::effective).thenComparingLong(a -> a.event().seq()));
        TileTable sorted = new TileTable(VIEW, 8);
        for (Accepted a : accepted) {
            sorted.apply(row.reset(a.event().values()), a.event().seq());
        }
        assertArrayEquals(TableCodec.encode(sorted), TableCodec.encode(driven), "seed=" + seed);
    }
}
