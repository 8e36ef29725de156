package dev.freshet.model.validate.internal;

import dev.freshet.model.Durations;
import dev.freshet.model.spec.Spec;
import java.time.Duration;

/**
 * The rule every duration of a repository follows (windows, hops, session gaps, ttl, source
 * durations): positive (or, where zero means "none", non-negative), a whole number of milliseconds,
 * and short enough to fit in a {@code long} count of milliseconds.
 */
final class DurationChecks {
    private DurationChecks() {
    }

    /** Reports {@code d} (given at {@code path}) unless it is positive; true when it passed. */
    static boolean positive(ValidationContext ctx, Spec spec, String path, String what, Duration d) {
        return check(ctx, spec, path, what, d, false);
    }

    /** Reports {@code d} (given at {@code path}) unless it is zero or positive; true when it passed. */
    static boolean nonNegative(ValidationContext ctx, Spec spec, String path, String what, Duration d) {
        return check(ctx, spec, path, what, d, true);
    }

    private static boolean check(ValidationContext ctx, Spec spec, String path, String what, Duration d,
            boolean zeroAllowed) {
        if (d.isNegative() || d.isZero() && !zeroAllowed) {
            ctx.error(spec, path, what + (zeroAllowed ? " must not be negative" : " must be positive") + ", got "
                    + Durations.format(d));
        } else if (d.getNano() % 1_000_000 != 0) {
            ctx.error(spec, path, what + " must be a whole number of milliseconds, got " + Durations.format(d));
        } else if (!Durations.fitsInMillis(d)) {
            ctx.error(spec, path, what + " " + Durations.format(d) + " is too long: at most "
                    + Durations.format(Durations.MAX_MILLIS));
        } else {
            return true;
        }
        return false;
    }
}
