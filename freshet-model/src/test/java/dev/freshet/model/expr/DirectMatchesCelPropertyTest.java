package dev.freshet.model.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The CEL interpreter is the oracle for the direct form: random expressions of every supported
 * shape, over random rows with nulls and edge values (overflow, NaN, -0.0, infinities), must give
 * the same result bit for bit, including which rows give null.
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
    private final ExpressionCompiler compiler = new ExpressionCompiler();

    @Property(tries = 400)
    void intExpressionsAgree(@ForAll("ints") String text, @ForAll("rows") List<ArrayRow> rows) {
        assertAgree(text, rows);
    }

    @Property(tries = 400)
    void doubleExpressionsAgree(@ForAll("doubles") String text, @ForAll("rows") List<ArrayRow> rows) {
        assertAgree(text, rows);
    }

    @Property(tries = 600)
    void boolExpressionsAgree(@ForAll("bools") String text, @ForAll("rows") List<ArrayRow> rows) {
        assertAgree(text, rows);
    }

    @Property(tries = 200)
    void stringExpressionsAgree(@ForAll("strings") String text, @ForAll("rows") List<ArrayRow> rows) {
        assertAgree(text, rows);
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

    @Provide
    Arbitrary<List<ArrayRow>> rows() {
        Arbitrary<Long> longs = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, -1L, 2L, 3L, -7L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2,
                        Long.MIN_VALUE + 1, 9_007_199_254_740_993L, 1L << 62),
                Arbitraries.longs().between(-1000, 1000),
                Arbitraries.longs());
        Arbitrary<Double> doubles = Arbitraries.oneOf(
                Arbitraries.of(0.0, -0.0, 1.0, -1.5, 2.5, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, 1e19, -1e19, 9.223372036854775807E18, -9.223372036854775808E18,
                        Double.MAX_VALUE, Double.MIN_VALUE, 9_007_199_254_740_993.0, 89.9, -179.5),
                Arbitraries.doubles().between(-1000, 1000));
        Arbitrary<String> strings = Arbitraries.of("", "a", "b", "ab", "B", "é", "\uD83D\uDE00", "\uFFFF");
        Arbitrary<Long> timestamps = Arbitraries.oneOf(Arbitraries.of(0L, 1_700_000_000_000L, -1L),
                Arbitraries.longs().between(-5_000_000_000_000L, 5_000_000_000_000L));
        Arbitrary<ArrayRow> row = Combinators.combine(
                nullable(longs), nullable(longs), nullable(doubles), nullable(doubles),
                nullable(strings), nullable(strings), nullable(Arbitraries.of(true, false)), nullable(timestamps))
                .as((i, j, d, e, s, t, b, ts) -> new ArrayRow(new Object[] {i, j, d, e, s, t, b, ts}));
        return row.list().ofSize(8);
    }

    private static <T> Arbitrary<T> nullable(Arbitrary<T> values) {
        return values.injectNull(0.2);
    }

    @Provide
    Arbitrary<String> ints() {
        return intExpr(DEPTH);
    }

    @Provide
    Arbitrary<String> doubles() {
        return doubleExpr(DEPTH);
    }

    @Provide
    Arbitrary<String> bools() {
        return boolExpr(DEPTH);
    }

    @Provide
    Arbitrary<String> strings() {
        return stringExpr(DEPTH);
    }

    private static Arbitrary<String> intExpr(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("i", "j", "ts", "0", "1", "7", "-3", "9223372036854775807",
                "(-9223372036854775807)");
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> intExpr(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(5, Combinators.combine(sub, Arbitraries.of("+", "-", "*", "/", "%"), sub)
                        .as((a, op, b) -> "(" + a + " " + op + " " + b + ")")),
                Tuple.of(1, sub.map(a -> "-(" + a + ")")),
                Tuple.of(1, Arbitraries.lazy(() -> doubleExpr(depth - 1)).map(a -> "int(" + a + ")")),
                Tuple.of(1, Arbitraries.lazy(() -> conditional(boolExpr(depth - 1), sub))));
    }

    private static Arbitrary<String> doubleExpr(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("d", "e", "0.0", "1.5", "-2.25", "1e300", "(-0.0)", "double(i)");
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> doubleExpr(depth - 1));
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(5, Combinators.combine(sub, Arbitraries.of("+", "-", "*", "/"), sub)
                        .as((a, op, b) -> "(" + a + " " + op + " " + b + ")")),
                Tuple.of(1, sub.map(a -> "-(" + a + ")")),
                Tuple.of(1, Arbitraries.lazy(() -> intExpr(depth - 1)).map(a -> "double(" + a + ")")),
                Tuple.of(1, Combinators.combine(sub, sub, sub, sub)
                        .as((a, b, c, d) -> "haversine_km(" + a + ", " + b + ", " + c + ", " + d + ")")),
                Tuple.of(1, Arbitraries.lazy(() -> conditional(boolExpr(depth - 1), sub))));
    }

    private static Arbitrary<String> boolExpr(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("b", "true", "false");
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> boolExpr(depth - 1));
        Arbitrary<String> ints = Arbitraries.lazy(() -> intExpr(depth - 1));
        Arbitrary<String> doubles = Arbitraries.lazy(() -> doubleExpr(depth - 1));
        Arbitrary<String> strings = Arbitraries.lazy(() -> stringExpr(depth - 1));
        Arbitrary<String> anyOp = Arbitraries.of("==", "!=", "<", "<=", ">", ">=");
        Arbitrary<String> orderOp = Arbitraries.of("<", "<=", ">", ">=");
        return Arbitraries.frequencyOf(
                Tuple.of(2, leaf),
                Tuple.of(2, compare(ints, anyOp, ints)),
                Tuple.of(2, compare(doubles, anyOp, doubles)),
                Tuple.of(1, compare(ints, orderOp, doubles)),
                Tuple.of(1, compare(doubles, orderOp, ints)),
                Tuple.of(1, compare(strings, anyOp, strings)),
                Tuple.of(1, compare(sub, Arbitraries.of("==", "!="), sub)),
                Tuple.of(1, sub.map(a -> "!(" + a + ")")),
                Tuple.of(2, compare(sub, Arbitraries.of("&&", "||"), sub)),
                Tuple.of(1, conditional(sub, sub)));
    }

    private static Arbitrary<String> stringExpr(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("s", "t", "'a'", "''", "'é'");
        if (depth == 0) {
            return leaf;
        }
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(1, conditional(Arbitraries.lazy(() -> boolExpr(depth - 1)),
                        Arbitraries.lazy(() -> stringExpr(depth - 1)))));
    }

    private static Arbitrary<String> compare(Arbitrary<String> left, Arbitrary<String> op, Arbitrary<String> right) {
        return Combinators.combine(left, op, right).as((a, o, b) -> "(" + a + " " + o + " " + b + ")");
    }

    private static Arbitrary<String> conditional(Arbitrary<String> condition, Arbitrary<String> branch) {
        return Combinators.combine(condition, branch, branch).as((c, a, b) -> "(" + c + " ? " + a + " : " + b + ")");
    }
}
