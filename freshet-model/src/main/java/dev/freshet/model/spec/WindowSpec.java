package dev.freshet.model.spec;

import java.time.Duration;
import java.util.List;

/**
 * The window of a streaming aggregation (DESIGN §3). For read time {@code t}, a hopping window of
 * size {@code W} and hop {@code H} covers {@code [ceil(t/H)*H - W, t)}; tumbling is the case
 * {@code H = W}; sliding is {@code H = 1 ms}. Session windows aggregate the most recent run of
 * events each at most the gap after the previous one. Lifetime windows have no lower bound.
 */
public sealed interface WindowSpec {

    /** Hops tried, largest first, when a window does not name one (see {@link #defaultHop}). */
    List<Duration> DEFAULT_HOP_CANDIDATES = List.of(
            Duration.ofDays(1), Duration.ofHours(12), Duration.ofHours(6), Duration.ofHours(3),
            Duration.ofHours(2), Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(15),
            Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(1),
            Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(100),
            Duration.ofMillis(10), Duration.ofMillis(1));

    /**
     * The default hop for a window: the largest candidate that divides {@code size} and gives at
     * least 10 hops per window (so the window length stays within 10% of {@code size}). Falls back
     * to 1 ms (exact sliding) for odd sizes. A size whose milliseconds overflow a {@code long} (which
     * validation rejects) gets the largest candidate.
     */
    static Duration defaultHop(Duration size) {
        long w;
        try {
            w = size.toMillis();
        } catch (ArithmeticException e) {
            return DEFAULT_HOP_CANDIDATES.getFirst();
        }
        for (Duration h : DEFAULT_HOP_CANDIDATES) {
            long hm = h.toMillis();
            if (w % hm == 0 && w / hm >= 10) {
                return h;
            }
        }
        return Duration.ofMillis(1);
    }

    /** Hopping (and sliding when hop = 1 ms) window. */
    record Hopping(Duration size, Duration hop) implements WindowSpec {
    }

    /** Tumbling window: a hopping window whose hop equals its size. */
    record Tumbling(Duration size) implements WindowSpec {
    }

    /** Session window with inactivity gap. */
    record Session(Duration gap) implements WindowSpec {
    }

    /** All events ever seen (within allowed lateness). */
    record Lifetime() implements WindowSpec {
    }
}
