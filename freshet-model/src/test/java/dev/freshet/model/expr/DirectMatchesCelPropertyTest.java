package dev.freshet.model.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.TestSeeds;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CEL interpreter is the oracle for the direct form: random expressions of every supported
 * shape, over random rows with nulls and edge values (overflow, NaN, -0.0, infinities), must give
 * the same result bit for bit, including which rows give null. Each seed draws one expression of
 * the tested type (nested up to three levels) and eight rows.
 */
class DirectMatchesCelPropertyTest {
    static final Schema SCHEMA = Schema.of(
            Field.optional("i", FieldType.INT64),
            Field.optional("j", FieldType.INT64),
            Field.optional("d", FieldType.FLOAT64),
            Field.optional("e", FieldType.FLOAT64),
            Field.optional("s", FieldType.STRING),
            Field.optional("t", FieldType.STRING),
            Field.optional("b", FieldType.BOOL),
            Field.optional("ts", FieldType.TIMESTAMP));

    private static final int DEPTH = 3;
    private static final int ROWS = 8;
    private final ExpressionCompiler compiler = new ExpressionCompiler();

    static LongStream intSeeds() {
        return TestSeeds.of(20261201, 400);
    }

    static LongStream doubleSeeds() {
        return TestSeeds.of(20261202, 400);
    }

    static LongStream boolSeeds() {
        return TestSeeds.of(20261203, 600);
    }

    static LongStream stringSeeds() {
        return TestSeeds.of(20261204, 200);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("intSeeds")
    void intExpressionsAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        assertAgree(intExpr(r, DEPTH), rows(r));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("doubleSeeds")
    void doubleExpressionsAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        assertAgree(doubleExpr(r, DEPTH), rows(r));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("boolSeeds")
    void boolExpressionsAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        assertAgree(boolExpr(r, DEPTH), rows(r));
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("stringSeeds")
    void stringExpressionsAgree(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        assertAgree(stringExpr(r, DEPTH), rows(r));
    }

    private void assertAgree(String text, List<ArrayRow> rows) {
        CompiledExpr direct = compiler.compile(text, SCHEMA);
        CompiledExpr cel = compiler.compile(text, SCHEMA, ExpressionCompiler.Mode.CEL_ONLY);
        assertTrue(direct.isDirect(), () -> "no direct form for " + text);
        assertEquals(cel.type(), direct.type(), text);
        for (ArrayRow row : rows) {
            Object expected = cel.evalObject(row);
            String where = text + " on " + row;
            assertEquals(expected, direct.evalObject(row), where);
            assertEquals(expected == null, direct.isNull(row), where);
            if (expected == null) {
                continue;
            }
            switch (direct.type()) {
                case INT64, TIMESTAMP -> {
                    assertEquals((long) (Long) expected, direct.evalLong(row), where);
                    assertEquals((double) (Long) expected, direct.evalDouble(row), where);
                }
                case FLOAT64 -> assertEquals(Double.doubleToRawLongBits((Double) expected),
                        Double.doubleToRawLongBits(direct.evalDouble(row)), where);
                case BOOL -> {
                    assertEquals(expected, direct.evalBool(row), where);
                    assertEquals(expected, direct.test(row), where);
                    assertEquals(expected, cel.test(row), where);
                }
                case STRING -> assertEquals(expected, direct.evalObject(row), where);
            }
        }
    }

    // ---- rows: each field null one time in five, else a random or an edge value of its type ----

    private static final long[] EDGE_LONGS = {0L, 1L, -1L, 2L, 3L, -7L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2,
            Long.MIN_VALUE + 1, 9_007_199_254_740_993L, 1L << 62};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, 1.0, -1.5, 2.5, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 1e19, -1e19, 9.223372036854775807E18, -9.223372036854775808E18,
            Double.MAX_VALUE, Double.MIN_VALUE, 9_007_199_254_740_993.0, 89.9, -179.5};
    private static final String[] STRINGS = {"", "a", "b", "ab", "B", "é", "\uD83D\uDE00", "\uFFFF"};
    private static final long[] EDGE_TIMESTAMPS = {0L, 1_700_000_000_000L, -1L};

    private static List<ArrayRow> rows(SplittableRandom r) {
        List<ArrayRow> rows = new ArrayList<>(ROWS);
        for (int k = 0; k < ROWS; k++) {
            rows.add(new ArrayRow(new Object[] {
                    nullable(r, aLong(r)), nullable(r, aLong(r)), nullable(r, aDouble(r)), nullable(r, aDouble(r)),
                    nullable(r, STRINGS[r.nextInt(STRINGS.length)]), nullable(r, STRINGS[r.nextInt(STRINGS.length)]),
                    nullable(r, r.nextBoolean()), nullable(r, aTimestamp(r))}));
        }
        return rows;
    }

    /** The value, or null one time in five (the value is drawn either way, so draws stay aligned). */
    private static Object nullable(SplittableRandom r, Object value) {
        return r.nextInt(5) == 0 ? null : value;
    }

    /** An edge value, a small one or any long, with equal odds. */
    private static long aLong(SplittableRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> EDGE_LONGS[r.nextInt(EDGE_LONGS.length)];
            case 1 -> r.nextLong(-1000, 1001);
            default -> r.nextLong();
        };
    }

    /** An edge value, or a value in [-1000, 1000] (half the time with two decimals). */
    private static double aDouble(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0, 1 -> EDGE_DOUBLES[r.nextInt(EDGE_DOUBLES.length)];
            case 2 -> Math.round(r.nextDouble(-1000, 1000) * 100) / 100.0;
            default -> r.nextDouble(-1000, 1000);
        };
    }

    private static long aTimestamp(SplittableRandom r) {
        return r.nextBoolean() ? EDGE_TIMESTAMPS[r.nextInt(EDGE_TIMESTAMPS.length)]
                : r.nextLong(-5_000_000_000_000L, 5_000_000_000_001L);
    }

    // ---- expressions: a leaf, or one of the typed shapes below over sub-expressions one level less deep ----

    private static String pick(SplittableRandom r, String... choices) {
        return choices[r.nextInt(choices.length)];
    }

    /** Index of the chosen alternative, drawn with the given relative weights. */
    private static int weighted(SplittableRandom r, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int i = 0; ; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
    }

    private static String intExpr(SplittableRandom r, int depth) {
        if (depth == 0) {
            return pick(r, "i", "j", "ts", "0", "1", "7", "-3", "9223372036854775807", "(-9223372036854775807)");
        }
        return switch (weighted(r, 3, 5, 1, 1, 1)) {
            case 0 -> intExpr(r, 0);
            case 1 -> "(" + intExpr(r, depth - 1) + " " + pick(r, "+", "-", "*", "/", "%") + " " + intExpr(r, depth - 1) + ")";
            case 2 -> "-(" + intExpr(r, depth - 1) + ")";
            case 3 -> "int(" + doubleExpr(r, depth - 1) + ")";
            default -> conditional(r, depth, DirectMatchesCelPropertyTest::intExpr);
        };
    }

    private static String doubleExpr(SplittableRandom r, int depth) {
        if (depth == 0) {
            return pick(r, "d", "e", "0.0", "1.5", "-2.25", "1e300", "(-0.0)", "double(i)");
        }
        return switch (weighted(r, 3, 5, 1, 1, 1, 1)) {
            case 0 -> doubleExpr(r, 0);
            case 1 -> "(" + doubleExpr(r, depth - 1) + " " + pick(r, "+", "-", "*", "/") + " " + doubleExpr(r, depth - 1) + ")";
            case 2 -> "-(" + doubleExpr(r, depth - 1) + ")";
            case 3 -> "double(" + intExpr(r, depth - 1) + ")";
            case 4 -> "haversine_km(" + doubleExpr(r, depth - 1) + ", " + doubleExpr(r, depth - 1) + ", "
                    + doubleExpr(r, depth - 1) + ", " + doubleExpr(r, depth - 1) + ")";
            default -> conditional(r, depth, DirectMatchesCelPropertyTest::doubleExpr);
        };
    }

    private static String boolExpr(SplittableRandom r, int depth) {
        if (depth == 0) {
            return pick(r, "b", "true", "false");
        }
        int d = depth - 1;
        String[] anyOp = {"==", "!=", "<", "<=", ">", ">="};
        String[] orderOp = {"<", "<=", ">", ">="};
        return switch (weighted(r, 2, 2, 2, 1, 1, 1, 1, 1, 2, 1)) {
            case 0 -> boolExpr(r, 0);
            case 1 -> "(" + intExpr(r, d) + " " + pick(r, anyOp) + " " + intExpr(r, d) + ")";
            case 2 -> "(" + doubleExpr(r, d) + " " + pick(r, anyOp) + " " + doubleExpr(r, d) + ")";
            case 3 -> "(" + intExpr(r, d) + " " + pick(r, orderOp) + " " + doubleExpr(r, d) + ")";
            case 4 -> "(" + doubleExpr(r, d) + " " + pick(r, orderOp) + " " + intExpr(r, d) + ")";
            case 5 -> "(" + stringExpr(r, d) + " " + pick(r, anyOp) + " " + stringExpr(r, d) + ")";
            case 6 -> "(" + boolExpr(r, d) + " " + pick(r, "==", "!=") + " " + boolExpr(r, d) + ")";
            case 7 -> "!(" + boolExpr(r, d) + ")";
            case 8 -> "(" + boolExpr(r, d) + " " + pick(r, "&&", "||") + " " + boolExpr(r, d) + ")";
            default -> conditional(r, depth, DirectMatchesCelPropertyTest::boolExpr);
        };
    }

    private static String stringExpr(SplittableRandom r, int depth) {
        if (depth == 0) {
            return pick(r, "s", "t", "'a'", "''", "'é'");
        }
        return weighted(r, 3, 1) == 0 ? stringExpr(r, 0) : conditional(r, depth, DirectMatchesCelPropertyTest::stringExpr);
    }

    /** An expression generator of one type: (random, depth) → text. */
    private interface Gen {
        String next(SplittableRandom r, int depth);
    }

    /** {@code (cond ? a : b)}: a bool condition and two branches of the branch type, one level less deep. */
    private static String conditional(SplittableRandom r, int depth, Gen branch) {
        return "(" + boolExpr(r, depth - 1) + " ? " + branch.next(r, depth - 1) + " : " + branch.next(r, depth - 1) + ")";
    }
}
