package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.session;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.freshet.aggregation.state.ApplyOutcome;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.testkit.TestRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entities with two join keys (string + int64): every combination is its own entity. */
class CompositeKeyTest {
    private static final Schema SCHEMA = Schema.of(
            Field.required("user", FieldType.STRING),
            Field.required("region", FieldType.INT64),
            Field.optional("amount", FieldType.FLOAT64),
            Field.required("event_time", FieldType.TIMESTAMP));
    private static final EntitySpec USER_REGION = new EntitySpec("user_region",
            List.of(Field.required("user", FieldType.STRING), Field.required("region", FieldType.INT64)), "");

    private static ViewFixture fixture() {
        return new ViewFixture(ViewFixture.compile(ViewFixture.source(SCHEMA, 10_000), USER_REGION,
                agg("n", AggregationFunction.COUNT, null, hopping(10_000, 1_000)),
                agg("sum", AggregationFunction.SUM, "amount", hopping(10_000, 1)),
                agg("last", AggregationFunction.LAST, "amount", session(5_000)),
                agg("total", AggregationFunction.SUM, "amount", lifetime())));
    }

    private static Object[] row(String user, Long region, double amount, long time) {
        return new Object[] {user, region, amount, time};
    }

    @Test
    void eachCombinationOfJoinKeysIsASeparateEntity() {
        ViewFixture f = fixture();
        f.apply(row("u1", 1L, 10.0, 1_000));
        f.apply(row("u1", 2L, 20.0, 1_100));
        f.apply(row("u2", 1L, 30.0, 1_200));
        f.apply(row("u1", 1L, 5.0, 1_300));
        assertEquals(3, f.table.keyCount());
        long t = 2_000;
        assertAll(
                () -> assertEquals(2L, f.value(new CompositeKey("u1", 1L), t, "n")),
                () -> assertEquals(15.0, f.value(new CompositeKey("u1", 1L), t, "sum")),
                () -> assertEquals(5.0, f.value(new CompositeKey("u1", 1L), t, "last")),
                () -> assertEquals(15.0, f.value(new CompositeKey("u1", 1L), t, "total")),
                () -> assertEquals(1L, f.value(new CompositeKey("u1", 2L), t, "n")),
                () -> assertEquals(20.0, f.value(new CompositeKey("u1", 2L), t, "total")),
                () -> assertEquals(30.0, f.value(new CompositeKey("u2", 1L), t, "sum")),
                () -> assertEquals(0L, f.value(new CompositeKey("u2", 2L), t, "n")),
                () -> assertEquals(Status.NOT_FOUND, f.status(new CompositeKey("u2", 2L), t, "last")),
                () -> assertEquals(0L, f.value("u1", t, "n"), "a single part is not the entity"));
    }

    @Test
    void keyOfARowIsACompositeKeyComparedByValue() {
        ViewFixture f = fixture();
        Object key = f.table.keyOf(new TestRow(row("u1", 7L, 1.0, 0)));
        assertEquals(new CompositeKey("u1", 7L), key);
        assertEquals(new CompositeKey("u1", 7L).hashCode(), key.hashCode());
        assertNotEquals(new CompositeKey("u1", 8L), key);
        assertNotEquals(new CompositeKey("u17", 7L), new CompositeKey("u1", 77L));
        assertNotEquals(new CompositeKey("u1", 7L), new CompositeKey(7L, "u1"));
    }

    @Test
    void keyPartsAreNotConcatenated() {
        ViewFixture f = fixture();
        f.apply(row("u1", 11L, 1.0, 1_000));
        f.apply(row("u11", 1L, 2.0, 1_000));
        assertEquals(2, f.table.keyCount());
        assertEquals(1.0, f.value(new CompositeKey("u1", 11L), 2_000, "total"));
        assertEquals(2.0, f.value(new CompositeKey("u11", 1L), 2_000, "total"));
    }

    @Test
    void keysWhoseHashesCollideStayApart() {
        // Long.hashCode(0) == Long.hashCode(-1), so these composite keys have equal hash codes.
        assertEquals(new CompositeKey("u1", 0L).hashCode(), new CompositeKey("u1", -1L).hashCode());
        ViewFixture f = fixture();
        f.apply(row("u1", 0L, 1.0, 1_000));
        f.apply(row("u1", -1L, 2.0, 1_000));
        f.apply(row("u1", -1L, 4.0, 1_000));
        assertEquals(2, f.table.keyCount());
        assertEquals(1.0, f.value(new CompositeKey("u1", 0L), 2_000, "total"));
        assertEquals(6.0, f.value(new CompositeKey("u1", -1L), 2_000, "total"));
    }

    @Test
    void singleStringKeysWhoseHashesCollideStayApart() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        ViewFixture f = ViewFixture.of(agg("total", AggregationFunction.SUM, "amount", lifetime()));
        f.apply(ViewFixture.txn("Aa", 1_000, 1.0));
        f.apply(ViewFixture.txn("BB", 1_000, 2.0));
        assertEquals(1.0, f.value("Aa", 2_000, "total"));
        assertEquals(2.0, f.value("BB", 2_000, "total"));
        assertEquals(0.0, f.value("AaBB", 2_000, "total"));
    }

    @Test
    void aNullPartOfACompositeKeyRejectsTheEvent() {
        ViewFixture f = fixture();
        assertEquals(ApplyOutcome.NULL_KEY, f.apply(row("u1", null, 1.0, 1_000)));
        assertEquals(ApplyOutcome.NULL_KEY, f.apply(row(null, 1L, 1.0, 1_000)));
        assertEquals(0, f.table.keyCount());
        assertNull(f.table.keyOf(new TestRow(row("u1", null, 1.0, 1_000))));
    }

    @Test
    void manyCompositeKeysStayApartAcrossIndexGrowth() {
        ViewFixture f = fixture();
        for (int u = 0; u < 300; u++) {
            for (long r = 0; r < 3; r++) {
                for (int i = 0; i <= r; i++) {
                    f.apply(row("u" + u, r, u + r, 1_000 + i));
                }
            }
        }
        assertEquals(900, f.table.keyCount());
        for (int u = 0; u < 300; u += 37) {
            for (long r = 0; r < 3; r++) {
                CompositeKey key = new CompositeKey("u" + u, r);
                assertEquals(r + 1, f.value(key, 5_000, "n"), key.toString());
                assertEquals((u + r) * (r + 1.0), f.value(key, 5_000, "total"), key.toString());
            }
        }
    }
}
