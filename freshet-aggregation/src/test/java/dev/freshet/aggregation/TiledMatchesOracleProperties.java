package dev.freshet.aggregation;

import dev.freshet.testkit.Seeds;
import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property tests: for random streams with out-of-order, late, future and tied events, every
 * function read from tiles equals the brute-force oracle at random read times, including long after
 * the last event (values decay without new events). One property per window kind. Streams start at
 * random times between -5e9 and 5e9 ms, so negative timestamps are covered.
 */
class TiledMatchesOracleProperties {

    static LongStream seeds() {
        return Seeds.of(20261126, 30);
    }

    private static List<TestEvent> stream(long seed) {
        long start = new SplittableRandom(seed).nextLong(-5_000_000_000L, 5_000_000_000L);
        return TestStreams.generate(seed, 250, 3, start, 400, 3_000, 40_000);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void hoppingWindowsMatchOracle(long seed) {
        checkTwoWindowsOfOneHop(seed, 10_000, 4_000, 1_000);
    }

    /** Two window sizes sharing one hop: they share a tile ring (or list) but read different tile ranges. */
    private static void checkTwoWindowsOfOneHop(long seed, long size, long smaller, long hop) {
        List<OracleHarness.Case> cases = new ArrayList<>(OracleHarness.allFunctions("hopping", size, hop));
        cases.addAll(OracleHarness.allFunctions("hopping", smaller, hop));
        OracleHarness.check(seed, cases, stream(seed), size, hop);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void hoppingWindowsOfMoreThan64TilesMatchOracle(long seed) {
        // A ring of 150 tiles: reads wrap around it, windows of 150 and 65 tiles.
        checkTwoWindowsOfOneHop(seed, 15_000, 6_500, 100);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void tumblingWindowsMatchOracle(long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("tumbling", 7_000, 7_000), stream(seed), 7_000, 7_000);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void exactSlidingWindowsMatchOracle(long seed) {
        checkTwoWindowsOfOneHop(seed, 3_000, 1_200, 1);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void sessionWindowsMatchOracle(long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("session", 1_500, 0), stream(seed), 1_500, 0);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void lifetimeWindowsMatchOracle(long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("lifetime", 0, 0), stream(seed), 0, 0);
    }
}
