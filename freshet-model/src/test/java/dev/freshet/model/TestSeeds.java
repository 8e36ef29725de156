package dev.freshet.model;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeds for this module's seeded property tests, run as JUnit parameterized tests:
 * {@code @ParameterizedTest(name = "seed={0}") @MethodSource("seeds")} with
 * {@code static LongStream seeds() { return TestSeeds.of(base, tries); }}. A twin of
 * {@code dev.freshet.testkit.Seeds} (same seeds, same system properties {@code freshet.seed} and
 * {@code freshet.tries}): the testkit depends on this module, so this module's tests cannot use it.
 */
public final class TestSeeds {
    private TestSeeds() {
    }

    public static LongStream of(long base, int tries) {
        String only = System.getProperty("freshet.seed");
        if (only != null) {
            return LongStream.of(Long.parseLong(only));
        }
        int n = Integer.getInteger("freshet.tries", tries);
        SplittableRandom r = new SplittableRandom(base);
        // the first seeds are small edge values, then random ones
        return LongStream.concat(LongStream.of(0, 1, -1), LongStream.generate(r::nextLong)).limit(n);
    }
}
