package dev.freshet.model;

import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of feature repositories: a number with a unit, {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} (days of 24 h), optionally several in decreasing order
 * ({@code 1h30m}) and optionally negative ({@code -5m}, so validation can say why it is wrong);
 * or ISO-8601 ({@code PT5M}, {@code P1D}). {@link #format} writes the shortest unit form.
 *
 * <pre>{@code
 * Durations.parse("90s")  // Optional[PT1M30S]
 * Durations.format(Duration.ofMinutes(90))  // "1h30m"
 * }</pre>
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("-?(\\d+(ms|s|m|h|d))+");
    /** The longest duration whose milliseconds fit in a {@code long} (about 292 million years). */
    public static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);

    private Durations() {
    }

    /** Parses a duration; empty when the text is not in one of the accepted forms. */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("-P")) {
            try {
                return Optional.of(Duration.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (!WHOLE.matcher(t).matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        int lastRank = Integer.MAX_VALUE;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                int rank = rank(m.group(2));
                if (rank >= lastRank) {
                    return Optional.empty();
                }
                lastRank = rank;
                total = total.plus(unit(m.group(2)).multipliedBy(Long.parseLong(m.group(1))));
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(t.startsWith("-") ? total.negated() : total);
    }

    /**
     * Writes a duration in the unit form, largest units first ({@code 1h30m}, {@code 500ms},
     * {@code 0s}); sub-millisecond parts are written in ISO-8601 instead.
     */
    public static String format(Duration duration) {
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder(duration.isNegative() ? "-" : "");
        // BigInteger: the milliseconds of a long duration (or its absolute value) need not fit in a long
        BigInteger ms = BigInteger.valueOf(duration.getSeconds()).multiply(BigInteger.valueOf(1_000))
                .add(BigInteger.valueOf(duration.getNano() / 1_000_000)).abs();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            BigInteger[] qr = ms.divideAndRemainder(BigInteger.valueOf(sizes[i]));
            if (qr[0].signum() > 0) {
                sb.append(qr[0]).append(units[i]);
                ms = qr[1];
            }
        }
        return sb.toString();
    }

    /** Whether the duration's milliseconds fit in a {@code long}, as the engine counts time. */
    public static boolean fitsInMillis(Duration duration) {
        return duration.compareTo(MAX_MILLIS) <= 0 && duration.compareTo(MAX_MILLIS.negated()) >= 0;
    }

    private static int rank(String unit) {
        return switch (unit) {
            case "d" -> 4;
            case "h" -> 3;
            case "m" -> 2;
            case "s" -> 1;
            default -> 0;
        };
    }

    private static Duration unit(String unit) {
        return switch (unit) {
            case "d" -> Duration.ofDays(1);
            case "h" -> Duration.ofHours(1);
            case "m" -> Duration.ofMinutes(1);
            case "s" -> Duration.ofSeconds(1);
            default -> Duration.ofMillis(1);
        };
    }
}
