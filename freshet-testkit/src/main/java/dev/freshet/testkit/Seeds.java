package dev.freshet.testkit;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Seeds for seeded property tests run as JUnit parameterized tests:
 * {@code @ParameterizedTest(name = "seed={0}") @MethodSource("seeds")} with
 * {@code static LongStream seeds() { return Seeds.of(20261126, 40); }}. The same base gives the same
 * seeds on every run, so a failure names the seed that reproduces it; set the system property
 * {@code freshet.seed} to run a single seed, or {@code freshet.tries} to run more or fewer.
 */
public final class Seeds {
    private Seeds() {
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
