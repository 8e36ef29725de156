package dev.freshet.model.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.expr.internal.Haversine;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionCompilerTest {
    private static final Schema SCHEMA = Schema.of(
            Field.required("amount", FieldType.FLOAT64),
            Field.optional("qty", FieldType.INT64),
            Field.required("currency", FieldType.STRING),
            Field.optional("flagged", FieldType.BOOL),
            Field.required("event_time", FieldType.TIMESTAMP));

    private final ExpressionCompiler compiler = new ExpressionCompiler();

    private static ArrayRow row(Double amount, Long qty, String currency, Boolean flagged, Long eventTime) {
        return new ArrayRow(new Object[] {amount, qty, currency, flagged, eventTime});
    }

    private static final ArrayRow USD = row(12.5, 3L, "USD", false, 1_700_000_000_000L);
    private static final ArrayRow NULLS = row(12.5, null, "USD", null, 1_700_000_000_000L);

    @Test
    void bareFieldReferenceIsDirectAndKnowsItsIndex() {
        CompiledExpr amount = compiler.compile("amount", SCHEMA);
        assertTrue(amount.isDirect());
        assertEquals(0, amount.fieldIndex());
        assertEquals(FieldType.FLOAT64, amount.type());
        assertEquals(12.5, amount.evalDouble(USD));
    }

    @Test
    void timestampFieldKeepsItsTypeAndReadsEpochMillis() {
        CompiledExpr t = compiler.compile("event_time", SCHEMA);
        assertEquals(FieldType.TIMESTAMP, t.type());
        assertEquals(1_700_000_000_000L, t.evalLong(USD));
        assertEquals(FieldType.INT64, compiler.compile("event_time - 1000", SCHEMA).type());
    }

    @Test
    void literalsOfEveryType() {
        assertEquals(7L, compiler.compile("7", SCHEMA).evalObject(USD));
        assertEquals(2.5, compiler.compile("2.5", SCHEMA).evalObject(USD));
        assertEquals("x", compiler.compile("'x'", SCHEMA).evalObject(USD));
        assertEquals(true, compiler.compile("true", SCHEMA).evalObject(USD));
    }

    @Test
    void intArithmeticTruncatesLikeCel() {
        assertEquals(-2L, compiler.compile("-7 / 3", SCHEMA).evalLong(USD));
        assertEquals(-1L, compiler.compile("-7 % 3", SCHEMA).evalLong(USD));
        assertEquals(9L, compiler.compile("qty * 3", SCHEMA).evalLong(USD));
        assertEquals(-3L, compiler.compile("-qty", SCHEMA).evalLong(USD));
    }

    @Test
    void intOverflowAndDivisionByZeroGiveNull() {
        assertTrue(compiler.compile("9223372036854775807 + qty", SCHEMA).isNull(USD));
        assertTrue(compiler.compile("qty / 0", SCHEMA).isNull(USD));
        assertTrue(compiler.compile("qty % 0", SCHEMA).isNull(USD));
        assertTrue(compiler.compile("int(amount * 1e30)", SCHEMA).isNull(USD));
    }

    @Test
    void doubleArithmeticAndConversions() {
        assertEquals(25.0, compiler.compile("amount * 2.0", SCHEMA).evalDouble(USD));
        assertEquals(15.5, compiler.compile("amount + double(qty)", SCHEMA).evalDouble(USD));
        assertEquals(12L, compiler.compile("int(amount)", SCHEMA).evalLong(USD));
        assertEquals(Double.POSITIVE_INFINITY, compiler.compile("amount / 0.0", SCHEMA).evalDouble(USD));
        assertEquals(-12.5, compiler.compile("-amount", SCHEMA).evalDouble(USD));
    }

    @Test
    void comparisonsOnNumbersAndStrings() {
        assertTrue(compiler.compile("amount > 0", SCHEMA).test(USD));
        assertTrue(compiler.compile("qty >= 3", SCHEMA).test(USD));
        assertTrue(compiler.compile("currency == 'USD'", SCHEMA).test(USD));
        assertTrue(compiler.compile("currency < 'ZAR'", SCHEMA).test(USD));
        assertFalse(compiler.compile("currency != 'USD'", SCHEMA).test(USD));
        assertTrue(compiler.compile("flagged == false", SCHEMA).test(USD));
    }

    @Test
    void booleanLogicAndConditional() {
        assertTrue(compiler.compile("!(amount < 0) && (currency == 'EUR' || qty == 3)", SCHEMA).test(USD));
        assertEquals(12.5, compiler.compile("currency == 'USD' ? amount : 0.0", SCHEMA).evalDouble(USD));
    }

    @Test
    void nullFieldMakesTheResultNull() {
        CompiledExpr e = compiler.compile("qty + 1", SCHEMA);
        assertTrue(e.isNull(NULLS));
        assertNull(e.evalObject(NULLS));
        assertFalse(compiler.compile("qty > 1", SCHEMA).test(NULLS));
    }

    @Test
    void andOrAbsorbNullsLikeCelErrors() {
        assertEquals(false, compiler.compile("flagged && false", SCHEMA).evalObject(NULLS));
        assertEquals(true, compiler.compile("true || flagged", SCHEMA).evalObject(NULLS));
        assertNull(compiler.compile("flagged && true", SCHEMA).evalObject(NULLS));
        assertNull(compiler.compile("flagged || false", SCHEMA).evalObject(NULLS));
    }

    @Test
    void otherShapesFallBackToCelWithTheSameNullRules() {
        CompiledExpr e = compiler.compile("currency.startsWith('US') && qty > 1", SCHEMA);
        assertFalse(e.isDirect());
        assertTrue(e.test(USD));
        assertFalse(e.test(NULLS));
        assertNull(compiler.compile("size(currency) + qty", SCHEMA).evalObject(NULLS));
        assertEquals(6L, compiler.compile("size(currency) + qty", SCHEMA).evalObject(USD));
    }

    @Test
    void celOnlyModeNeverCompilesDirect() {
        CompiledExpr e = compiler.compile("amount > 0", SCHEMA, ExpressionCompiler.Mode.CEL_ONLY);
        assertFalse(e.isDirect());
        assertTrue(e.test(USD));
    }

    @Test
    void haversineIsAvailableDirectAndInCel() {
        Map<String, FieldType> vars = Map.of("lat", FieldType.FLOAT64, "lon", FieldType.FLOAT64,
                "card_txn__last_lat", FieldType.FLOAT64, "card_txn__last_lon", FieldType.FLOAT64);
        Schema schema = ExpressionCompiler.variables(vars);
        assertEquals("card_txn__last_lat", schema.field(0).name());
        String text = "haversine_km(lat, lon, card_txn__last_lat, card_txn__last_lon)";
        ArrayRow paris = new ArrayRow(new Object[] {48.8566, 2.3522, 51.5074, -0.1278});
        CompiledExpr direct = compiler.compile(text, schema);
        CompiledExpr cel = compiler.compile(text, schema, ExpressionCompiler.Mode.CEL_ONLY);
        assertTrue(direct.isDirect());
        assertEquals(343.5, direct.evalDouble(paris), 1.0);
        assertEquals(cel.evalObject(paris), direct.evalObject(paris));
        assertNull(direct.evalObject(new ArrayRow(new Object[] {null, 2.3522, 51.5074, -0.1278})));
    }

    @Test
    void haversineOfAPointToItselfIsZeroAndQuarterMeridianIsKnown() {
        assertEquals(0.0, Haversine.km(10, 20, 10, 20));
        assertEquals(Math.PI / 2 * Haversine.EARTH_RADIUS_KM, Haversine.km(0, 0, 90, 0), 1e-9);
    }

    @Test
    void typeErrorsAreReportedWithColumn() {
        ExpressionResult r = compiler.tryCompile("amount * 2", SCHEMA);
        assertFalse(r.ok());
        assertEquals(8, r.issues().getFirst().column());
        assertTrue(r.issues().getFirst().message().contains("convert with double(x)"), r.issues().toString());
    }

    @Test
    void issuesOfAMultiLineExpressionCarryTheirLine() {
        ExpressionIssue issue = compiler.tryCompile("amount > 0 &&\n  amout > 1", SCHEMA).issues().getFirst();
        assertEquals(2, issue.line());
        assertEquals(3, issue.column());
        assertEquals("undeclared reference to 'amout' (did you mean 'amount'?) (at line 2, column 3 of the expression)",
                issue.toString());
        assertEquals("x (at column 8)", new ExpressionIssue("x", 1, 8).toString());
    }

    @Test
    void undeclaredNamesGetAHint() {
        ExpressionResult r = compiler.tryCompile("amout > 0", SCHEMA);
        assertEquals("undeclared reference to 'amout' (did you mean 'amount'?)", r.issues().getFirst().message());
    }

    @Test
    void syntaxErrorsAndUnsupportedResultTypesAreRejected() {
        assertFalse(compiler.tryCompile("amount >", SCHEMA).ok());
        assertFalse(compiler.tryCompile("[amount, 1.0]", SCHEMA).ok());
        assertFalse(compiler.tryCompile("  ", SCHEMA).ok());
        assertThrows(ExpressionException.class, () -> compiler.compile("nope", SCHEMA));
    }

    /** A constant that can never work would make the expression fail (null) on every event. */
    @Test
    void invalidConstantRegexTimestampAndDurationLiteralsAreRejected() {
        ExpressionResult regex = compiler.tryCompile("currency.matches('[')", SCHEMA);
        assertFalse(regex.ok());
        assertEquals("invalid regular expression literal: Unclosed character class near index 0",
                regex.issues().getFirst().message());
        assertEquals("invalid timestamp literal: Text 'nope' could not be parsed at index 0",
                compiler.tryCompile("int(timestamp('nope')) < event_time", SCHEMA).issues().getFirst().message());
        assertEquals("invalid duration literal: invalid duration format",
                compiler.tryCompile("duration('5x') == duration('1s')", SCHEMA).issues().getFirst().message());
        assertTrue(compiler.tryCompile("currency.matches('^U.D$')", SCHEMA).ok());
        assertTrue(compiler.tryCompile("int(timestamp('2024-01-01T00:00:00Z')) < event_time", SCHEMA).ok());
        assertTrue(compiler.tryCompile("'US[D'.matches(currency)", SCHEMA).ok(), "only constant patterns are checked");
    }

    @Test
    void wrongGetterForTheTypeThrows() {
        assertThrows(IllegalStateException.class, () -> compiler.compile("amount", SCHEMA).evalLong(USD));
        assertThrows(IllegalStateException.class, () -> compiler.compile("currency", SCHEMA).evalDouble(USD));
    }
}
