package dev.freshet.serving.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.engine.EventBatch;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation of ingest bodies against a source schema: what is accepted, what is rejected and why. */
class EventParserTest {
    static final Schema SCHEMA = Schema.of(
            Field.required("card_id", FieldType.STRING),
            Field.required("amount", FieldType.FLOAT64),
            Field.optional("qty", FieldType.INT64),
            Field.optional("flag", FieldType.BOOL),
            Field.required("event_time", FieldType.TIMESTAMP));

    static EventParser.Result parse(String body, EventBatch batch) {
        return new EventParser(SCHEMA).parse(body.getBytes(StandardCharsets.UTF_8), batch, 1000);
    }

    @Test
    void parsesAJsonArrayIntoTypedColumns() {
        EventBatch b = new EventBatch(SCHEMA, 4);
        var r = parse("""
                [{"card_id":"c1","amount":12.5,"qty":3,"flag":true,"event_time":1700000000000},
                 {"card_id":"c2","amount":7,"event_time":"2023-11-14T22:13:20.001Z"}]""", b);
        assertEquals(2, r.events());
        assertEquals(0, r.rejected().size());
        assertEquals(2, b.size());
        assertEquals("c1", b.getObject(0, 0));
        assertEquals(12.5, b.getDouble(0, 1));
        assertEquals(3L, b.getObject(0, 2));
        assertEquals(true, b.getObject(0, 3));
        assertEquals(7.0, b.getDouble(1, 1));
        assertTrue(b.isNull(1, 2), "omitted nullable field is null");
        assertEquals(1_700_000_000_001L, b.getLong(1, 4));
    }

    @Test
    void stringsUtf8CannotCarryAreRejectedAndSurrogatePairsKept() {
        EventBatch b = new EventBatch(SCHEMA, 4);
        var r = parse("""
                [{"card_id":"ok\\ud83d\\ude00","amount":1,"event_time":1},
                 {"card_id":"lone\\ud83d","amount":1,"event_time":1},
                 {"card_id":"\\ude00low","amount":1,"event_time":1},
                 {"card_id":"swapped\\ude00\\ud83d","amount":1,"event_time":1}]""", b);
        assertEquals(1, b.size());
        assertEquals("ok\uD83D\uDE00", b.getObject(0, 0), "a surrogate pair is one code point: kept");
        assertEquals(3, r.rejected().size());
        assertEquals(1, r.rejected().get(0).index());
        assertEquals("card_id", r.rejected().get(0).field());
        assertEquals("string is not valid Unicode: unpaired surrogate \\ud83d at character 4", r.rejected().get(0).reason());
        assertEquals("string is not valid Unicode: unpaired surrogate \\ude00 at character 0", r.rejected().get(1).reason());
        assertEquals("string is not valid Unicode: unpaired surrogate \\ude00 at character 7", r.rejected().get(2).reason());
    }

    @Test
    void batchSizeHintFollowsTheLastRequestsBytesPerEvent() {
        EventParser parser = new EventParser(SCHEMA);
        assertEquals(64, parser.expectedEvents(100_000, 1000), "no request seen yet");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            body.append("{\"card_id\":\"c").append(i % 10).append("\",\"amount\":1.5,\"event_time\":1700000000000}\n");
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(100, parser.parse(bytes, new EventBatch(SCHEMA, 1), 1000).events());
        int hint = parser.expectedEvents(bytes.length, 1000);
        assertTrue(hint >= 100 && hint <= 120, "a body like the last one: room for its 100 events and an eighth, got " + hint);
        assertEquals(1000, parser.expectedEvents(100 * bytes.length, 1000), "capped at the request limit");
        assertEquals(16, parser.expectedEvents(10, 1000), "at least 16");
    }

    /**
     * Events list their fields in any order: the parser matches names in schema order by identity as
     * a fast path, so every other order must land in the same columns. Oracle: the same event
     * written in schema order. A repeated field (ambiguous) or an unknown one rejects the event.
     */
    @Test
    void aFieldGivenTwiceRejectsTheEvent() {
        EventBatch b = new EventBatch(SCHEMA, 2);
        var r = parse("""
                [{"card_id":"c1","amount":1,"qty":3,"event_time":1700000000000,"qty":null},
                 {"card_id":"c2","amount":2,"event_time":1700000000000}]""", b);
        assertEquals(1, r.rejected().size());
        assertEquals(0, r.rejected().getFirst().index());
        assertEquals("qty", r.rejected().getFirst().field());
        assertEquals("field 'qty' appears more than once", r.rejected().getFirst().reason());
        assertEquals(1, b.size());
        assertEquals("c2", b.getObject(0, 0));
    }

    @Test
    void fieldOrderRepeatsAndUnknownFieldsGiveTheSameRowsAsSchemaOrder() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(20_261_128L);
        String[] names = {"card_id", "amount", "qty", "flag", "event_time"};
        for (int i = 0; i < 2_000; i++) {
            String[] values = {"\"c" + r.nextInt(50) + "\"", Double.toString(r.nextInt(10_000) / 100.0),
                    r.nextBoolean() ? Long.toString(r.nextLong(1_000)) : "null", r.nextBoolean() ? "true" : "false",
                    Long.toString(1_700_000_000_000L + r.nextInt(1_000_000))};
            java.util.List<String> kv = new java.util.ArrayList<>();
            for (int f = 0; f < names.length; f++) {
                kv.add("\"" + names[f] + "\":" + values[f]);
            }
            String inOrder = "{" + String.join(",", kv) + "}";
            java.util.Collections.shuffle(kv, new java.util.Random(r.nextLong()));
            boolean rejected = false;
            if (r.nextInt(6) == 0) { // a repeated field
                int f = r.nextInt(names.length);
                kv.add(r.nextInt(kv.size() + 1), "\"" + names[f] + "\":" + (f == 0 ? "\"other\"" : f == 3 ? "true" : "null"));
                rejected = true;
            }
            if (r.nextInt(10) == 0) {
                kv.add(r.nextInt(kv.size() + 1), "\"card\":1");
                rejected = true;
            }
            String shuffled = "{" + String.join(",", kv) + "}";
            EventBatch expected = new EventBatch(SCHEMA, 1);
            EventBatch actual = new EventBatch(SCHEMA, 1);
            assertEquals(0, parse(inOrder, expected).rejected().size(), inOrder);
            var result = parse(shuffled, actual);
            if (rejected) {
                assertEquals(1, result.rejected().size(), shuffled);
                assertEquals(0, actual.size(), shuffled);
                continue;
            }
            assertEquals(0, result.rejected().size(), shuffled + " " + result.rejected());
            for (int f = 0; f < names.length; f++) {
                assertEquals(expected.isNull(0, f), actual.isNull(0, f), shuffled + " field " + names[f]);
                if (!expected.isNull(0, f)) {
                    assertEquals(expected.getObject(0, f), actual.getObject(0, f), shuffled + " field " + names[f]);
                }
            }
        }
    }

    /**
     * Amounts parse to exactly the double Java's own parser gives (the JSON parser uses a faster,
     * correctly rounded algorithm): seeded random doubles of every magnitude, printed shortest,
     * with extra digits, in exponent form, and halfway and subnormal cases.
     */
    @Test
    void numbersParseToTheCorrectlyRoundedDouble() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(20_261_127L);
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of("0.1", "-0.0", "1e-320", "4.9e-324",
                "2.2250738585072011e-308", "1.7976931348623157e308", "9007199254740993", "0.30000000000000004",
                "123456789012345678901234567890", "2.5e-5", "1E+2"));
        for (int i = 0; i < 3_000; i++) {
            double d = Double.longBitsToDouble(r.nextLong()); // every exponent, sign and mantissa
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            texts.add(Double.toString(d));
            texts.add(new java.math.BigDecimal(d).round(new java.math.MathContext(40)).toString()); // digits past 17 round
            texts.add(String.format(java.util.Locale.ROOT, "%.17e", d));
            texts.add(String.format(java.util.Locale.ROOT, "%.3f", r.nextDouble(-1e6, 1e6)));
        }
        StringBuilder body = new StringBuilder();
        for (String t : texts) {
            body.append("{\"card_id\":\"c\",\"amount\":").append(t).append(",\"event_time\":1}\n");
        }
        EventBatch b = new EventBatch(SCHEMA, texts.size());
        var result = new EventParser(SCHEMA).parse(body.toString().getBytes(StandardCharsets.UTF_8), b, texts.size());
        assertEquals(texts.size(), result.accepted(), () -> result.rejected().toString());
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(texts.get(i))), Double.doubleToRawLongBits(b.getDouble(i, 1)),
                    texts.get(i));
        }
    }

    @Test
    void parsesNdjson() {
        EventBatch b = new EventBatch(SCHEMA, 4);
        var r = parse("{\"card_id\":\"a\",\"amount\":1,\"event_time\":1}\n{\"card_id\":\"b\",\"amount\":2,\"event_time\":2}\n", b);
        assertEquals(2, r.accepted());
        assertEquals("b", b.getObject(1, 0));
    }

    @Test
    void keepsValidEventsAndReportsInvalidOnesByIndex() {
        EventBatch b = new EventBatch(SCHEMA, 4);
        var r = parse("""
                [{"card_id":"ok1","amount":1,"event_time":1},
                 {"card_id":"bad","amount":"12","event_time":1},
                 {"card_id":"ok2","amount":2,"event_time":2}]""", b);
        assertEquals(3, r.events());
        assertEquals(1, r.rejected().size());
        assertEquals(1, r.rejected().getFirst().index());
        assertEquals("amount", r.rejected().getFirst().field());
        assertEquals(2, b.size());
        assertEquals("ok2", b.getObject(1, 0), "the rejected event left no row behind");
    }

    static Stream<Arguments> invalidEvents() {
        String ok = "\"card_id\":\"c\",\"amount\":1.0,\"event_time\":1";
        return Stream.of(
                Arguments.of("{\"amount\":1,\"event_time\":1}", "card_id", "missing required field"),
                Arguments.of("{\"card_id\":\"c\",\"event_time\":1}", "amount", "missing required field"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1}", "event_time", "missing required field"),
                Arguments.of("{\"card_id\":null,\"amount\":1,\"event_time\":1}", "card_id", "must not be null"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":null,\"event_time\":1}", "amount", "must not be null"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":null}", "event_time", "must not be null"),
                Arguments.of("{\"card_id\":42,\"amount\":1,\"event_time\":1}", "card_id", "expected a string"),
                Arguments.of("{\"card_id\":true,\"amount\":1,\"event_time\":1}", "card_id", "expected a string"),
                Arguments.of("{\"card_id\":{\"x\":1},\"amount\":1,\"event_time\":1}", "card_id", "expected a string, got an object"),
                Arguments.of("{\"card_id\":[\"c\"],\"amount\":1,\"event_time\":1}", "card_id", "expected a string, got an array"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":\"1.5\",\"event_time\":1}", "amount", "expected a number"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":true,\"event_time\":1}", "amount", "expected a number"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1e999,\"event_time\":1}", "amount", "out of the float64 range"),
                Arguments.of("{" + ok + ",\"qty\":1.5}", "qty", "expected an integer"),
                Arguments.of("{" + ok + ",\"qty\":\"3\"}", "qty", "expected an integer"),
                Arguments.of("{" + ok + ",\"qty\":99999999999999999999}", "qty", "out of the int64 range"),
                Arguments.of("{" + ok + ",\"flag\":\"true\"}", "flag", "expected true or false"),
                Arguments.of("{" + ok + ",\"flag\":1}", "flag", "expected true or false"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":\"yesterday\"}", "event_time", "neither epoch milliseconds nor an ISO-8601"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":\"2026-13-01T00:00:00Z\"}", "event_time", "ISO-8601"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":1.5}", "event_time", "expected epoch milliseconds"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":true}", "event_time", "expected epoch milliseconds"),
                Arguments.of("{\"card_id\":\"c\",\"amount\":1,\"event_time\":123456789012345678901234}", "event_time", "out of range"),
                Arguments.of("{" + ok + ",\"amout\":1}", "amout", "unknown field 'amout'"),
                Arguments.of("{" + ok + ",\"nested\":{\"a\":[1,2]}}", "nested", "unknown field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void rejectsInvalidEventWithFieldAndReason(String event, String field, String reason) {
        EventBatch b = new EventBatch(SCHEMA, 2);
        var r = parse("[" + event + "]", b);
        assertEquals(1, r.rejected().size(), "rejected: " + event);
        assertEquals(0, b.size());
        assertEquals(field, r.rejected().getFirst().field());
        assertTrue(r.rejected().getFirst().reason().contains(reason), r.rejected().getFirst().reason());
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("[{\"card_id\":\"c\""),
                Arguments.of("[{\"card_id\":\"c\",}]"),
                Arguments.of("{card_id: \"c\"}"),
                Arguments.of("[1,2"),
                Arguments.of("not json"),
                Arguments.of("[{\"a\":1}] trailing"),
                Arguments.of("[{\"card_id\":\"c\\q\"}]"));
    }

    @ParameterizedTest(name = "[{index}] body=<{0}>")
    @MethodSource("malformedBodies")
    void malformedBodyFailsAsAWholeWithItsLocation(String body) {
        EventBatch b = new EventBatch(SCHEMA, 2);
        var e = assertThrows(MalformedRequestException.class, () -> parse(body, b));
        assertTrue(e.getMessage().length() > 10, e.getMessage());
    }

    /** An empty body holds no events, as [] does (HTTP_API.md: no_events is an empty request), not malformed JSON. */
    @ParameterizedTest(name = "[{index}] body=<{0}>")
    @MethodSource("emptyBodies")
    void anEmptyBodyHoldsNoEvents(String body) {
        EventBatch b = new EventBatch(SCHEMA, 2);
        var r = parse(body, b);
        assertEquals(0, r.events());
        assertEquals(0, r.rejected().size());
        assertEquals(0, b.size());
    }

    static Stream<Arguments> emptyBodies() {
        return Stream.of(Arguments.of(""), Arguments.of("   "), Arguments.of("\n\n  \r\n"), Arguments.of("[]"));
    }

    /**
     * Jackson's message is kept, its internals are not: it described the input as "[Source: REDACTED
     * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]" inside the
     * message, and a limit by the name of its setting.
     */
    @Test
    void malformedJsonIsDescribedWithoutJacksonInternals() {
        var eof = assertThrows(MalformedRequestException.class, () -> parse("{\"card_id\":\"c\"", new EventBatch(SCHEMA, 2)));
        assertEquals("malformed JSON: Unexpected end-of-input: expected close marker for Object (start marker at line 1, column 1)"
                + " (line 1, column 15)", eof.describe());
        var deep = assertThrows(MalformedRequestException.class,
                () -> parse("[{\"card_id\":" + "[".repeat(40) + "]".repeat(40) + "}]", new EventBatch(SCHEMA, 2)));
        assertTrue(deep.getMessage().startsWith("malformed JSON: Document nesting depth (33) exceeds the maximum allowed (32)"),
                deep.getMessage());
        assertTrue(!deep.describe().contains("`") && !deep.describe().contains("StreamReadConstraints"), deep.describe());
    }

    @Test
    void nonObjectElementsAreRejectedIndividually() {
        EventBatch b = new EventBatch(SCHEMA, 2);
        var r = parse("[1, \"x\", null, [], {\"card_id\":\"c\",\"amount\":1,\"event_time\":1}]", b);
        assertEquals(5, r.events());
        assertEquals(4, r.rejected().size());
        assertEquals(1, b.size());
    }

    @Test
    void tooManyEventsFailsTheRequest() {
        EventBatch b = new EventBatch(SCHEMA, 2);
        String one = "{\"card_id\":\"c\",\"amount\":1,\"event_time\":1}";
        assertThrows(TooManyEventsException.class,
                () -> new EventParser(SCHEMA).parse(("[" + one + "," + one + "," + one + "]").getBytes(StandardCharsets.UTF_8), b, 2));
    }
}
