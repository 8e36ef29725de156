package dev.freshet.model.expr.internal;

/**
 * CEL's numeric rules, restated for the direct form so it agrees with the interpreter bit for bit:
 * int64 arithmetic errors on overflow (and on division or modulo by zero), {@code int(double)}
 * errors outside the int64 range or for NaN, and int/double ordering follows CEL-Java's
 * {@code ComparisonFunctions.compareDoubleInt}.
 */
public final class CelSemantics {
    private static final double INT_AS_DOUBLE_MIN = -9.223372036854775808E18;
    private static final double INT_AS_DOUBLE_MAX = 9.223372036854775807E18;

    private CelSemantics() {
    }

    public static boolean addOverflows(long x, long y) {
        long r = x + y;
        return ((x ^ r) & (y ^ r)) < 0;
    }

    public static boolean subtractOverflows(long x, long y) {
        long r = x - y;
        return ((x ^ y) & (x ^ r)) < 0;
    }

    public static boolean multiplyOverflows(long x, long y) {
        long lo = x * y;
        return Math.multiplyHigh(x, y) != (lo >> 63);
    }

    /** Division errors on a zero divisor and on {@code MIN_VALUE / -1}. */
    public static boolean divideFails(long x, long y) {
        return y == 0 || (x == Long.MIN_VALUE && y == -1);
    }

    /** Modulo errors only on a zero divisor ({@code MIN_VALUE % -1 == 0}). */
    public static boolean moduloFails(long y) {
        return y == 0;
    }

    public static boolean negateOverflows(long x) {
        return x == Long.MIN_VALUE;
    }

    /** {@code int(d)} errors for NaN, infinities and magnitudes of 2^63 or more. */
    public static boolean doubleToIntFails(double d) {
        return Math.getExponent(d) >= 63;
    }

    /** Heterogeneous ordering of a double and an int, as CEL-Java defines it. */
    public static int compareDoubleInt(double d, long l) {
        if (d < INT_AS_DOUBLE_MIN) {
            return -1;
        }
        if (d > INT_AS_DOUBLE_MAX) {
            return 1;
        }
        return Double.compare(d, (double) l);
    }

    public static int compareIntDouble(long l, double d) {
        return -compareDoubleInt(d, l);
    }
}
