package dev.freshet.aggregation;

import dev.freshet.testkit.TestEvent;
import dev.freshet.testkit.TestStreams;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Seeded property tests: for random streams with out-of-order, late, future and tied events, every
 * function read from tiles equals the brute-force oracle at random read times, including long after
 * the last event (values decay without new events). One property per window kind.
 */
class TiledMatchesOracleProperties {

    private static List<TestEvent> stream(long seed, long start) {
        return TestStreams.generate(seed, 250, 3, start, 400, 3_000, 40_000);
    }

    @Property(tries = 40, seed = "20261126")
    void hoppingWindowsMatchOracle(@ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
                                   @ForAll long seed) {
        // Two window sizes sharing one hop: they share a tile ring but read different tile ranges.
        var cases = new java.util.ArrayList<>(OracleHarness.allFunctions("hopping", 10_000, 1_000));
        cases.addAll(OracleHarness.allFunctions("hopping", 4_000, 1_000));
        OracleHarness.check(seed, cases, stream(seed, start), 10_000, 1_000);
    }

    @Property(tries = 25, seed = "20261127")
    void tumblingWindowsMatchOracle(@ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
                                    @ForAll long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("tumbling", 7_000, 7_000), stream(seed, start), 7_000, 7_000);
    }

    @Property(tries = 25, seed = "20261128")
    void exactSlidingWindowsMatchOracle(@ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
                                        @ForAll long seed) {
        var cases = new java.util.ArrayList<>(OracleHarness.allFunctions("hopping", 3_000, 1));
        cases.addAll(OracleHarness.allFunctions("hopping", 1_200, 1));
        OracleHarness.check(seed, cases, stream(seed, start), 3_000, 1);
    }

    @Property(tries = 30, seed = "20261129")
    void sessionWindowsMatchOracle(@ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
                                   @ForAll long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("session", 1_500, 0), stream(seed, start), 1_500, 0);
    }

    @Property(tries = 25, seed = "20261130")
    void lifetimeWindowsMatchOracle(@ForAll @LongRange(min = -5_000_000_000L, max = 5_000_000_000L) long start,
                                    @ForAll long seed) {
        OracleHarness.check(seed, OracleHarness.allFunctions("lifetime", 0, 0), stream(seed, start), 0, 0);
    }
}
