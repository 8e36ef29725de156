package dev.freshet.model.validate.internal;

import dev.freshet.model.Durations;
import dev.freshet.model.spec.Spec;
import dev.freshet.model.spec.WindowSpec;
import java.time.Duration;

/**
 * Window rules of DESIGN §3: sizes, hops and gaps are positive whole milliseconds that fit in a
 * {@code long}, and a hop is no longer than its window and divides it. Paths name the YAML key the
 * value came from ({@code window}, {@code hop}, {@code tumbling}, {@code session_gap}).
 */
final class WindowChecks {
    private WindowChecks() {
    }

    static void check(ValidationContext ctx, Spec view, String feature, WindowSpec window) {
        switch (window) {
            case WindowSpec.Hopping h -> {
                boolean sizeOk = positive(ctx, view, feature + ".window", "window", h.size());
                boolean hopOk = positive(ctx, view, feature + ".hop", "hop", h.hop());
                if (sizeOk && hopOk) {
                    long w = h.size().toMillis();
                    long hop = h.hop().toMillis();
                    if (hop > w) {
                        ctx.error(view, feature + ".hop", "hop " + Durations.format(h.hop())
                                + " is longer than window " + Durations.format(h.size()));
                    } else if (w % hop != 0) {
                        ctx.error(view, feature + ".hop", "hop " + Durations.format(h.hop())
                                + " does not divide window " + Durations.format(h.size()));
                    }
                }
            }
            case WindowSpec.Tumbling t -> positive(ctx, view, feature + ".tumbling", "window", t.size());
            case WindowSpec.Session s -> positive(ctx, view, feature + ".session_gap", "session gap", s.gap());
            case WindowSpec.Lifetime l -> {
            }
        }
    }

    private static boolean positive(ValidationContext ctx, Spec view, String path, String what, Duration d) {
        if (d == null) {
            ctx.error(view, path, what + " is missing");
            return false;
        }
        return DurationChecks.positive(ctx, view, path, what, d);
    }
}
