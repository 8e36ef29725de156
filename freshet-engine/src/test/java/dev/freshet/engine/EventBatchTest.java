package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EventBatch + Cursor: every value and every null written reads back, across growth and clear. */
class EventBatchTest {
    private static final Schema SCHEMA = Schema.of(
            Field.optional("s", FieldType.STRING),
            Field.optional("i", FieldType.INT64),
            Field.optional("d", FieldType.FLOAT64),
            Field.optional("b", FieldType.BOOL),
            Field.optional("t", FieldType.TIMESTAMP));

    /** Random rows of boxed values (about a quarter null), extreme values included. */
    private static List<Object[]> rows(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] longs = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1_700_000_000_000L};
        double[] doubles = {0.0, -0.0, Double.MAX_VALUE, -Double.MIN_VALUE, Double.NEGATIVE_INFINITY, 1e-300};
        List<Object[]> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Object[] v = new Object[5];
            v[0] = r.nextInt(4) == 0 ? null : (r.nextBoolean() ? "" : "value-ü-" + r.nextInt());
            v[1] = r.nextInt(4) == 0 ? null : (r.nextBoolean() ? longs[r.nextInt(longs.length)] : r.nextLong());
            v[2] = r.nextInt(4) == 0 ? null : (r.nextBoolean() ? doubles[r.nextInt(doubles.length)] : r.nextDouble(-1e9, 1e9));
            v[3] = r.nextInt(4) == 0 ? null : r.nextBoolean();
            v[4] = r.nextInt(4) == 0 ? null : r.nextLong(-5_000_000_000_000L, 5_000_000_000_000L);
            rows.add(v);
        }
        return rows;
    }

    private static void fill(EventBatch batch, List<Object[]> rows) {
        for (Object[] v : rows) {
            int r = batch.addRow();
            for (int f = 0; f < v.length; f++) {
                batch.setObject(r, f, v[f]);
            }
        }
    }

    private static void assertRowsRead(EventBatch batch, List<Object[]> rows) {
        assertEquals(rows.size(), batch.size());
        EventBatch.Cursor c = new EventBatch.Cursor();
        for (int r = 0; r < rows.size(); r++) {
            Object[] v = rows.get(r);
            c.at(batch, r);
            assertEquals(r, c.position());
            for (int f = 0; f < v.length; f++) {
                String where = "row " + r + " field " + SCHEMA.field(f).name();
                assertEquals(v[f] == null, c.isNull(f), where + " null");
                assertEquals(v[f], c.getObject(f), where);
                if (v[f] instanceof Long l) {
                    assertEquals((long) l, c.getLong(f), where);
                    assertEquals((double) l, c.getDouble(f), where);
                } else if (v[f] instanceof Double d) {
                    assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(c.getDouble(f)), where);
                } else if (v[f] instanceof Boolean b) {
                    assertEquals(b, c.getBool(f), where);
                }
            }
        }
    }

    @Test
    void valuesAndNullsRoundTripThroughTheCursorAcrossGrowth() {
        EventBatch batch = new EventBatch(SCHEMA, 1); // grows 1 → 2 → 4 → ... → 256
        List<Object[]> rows = rows(1, 200);
        fill(batch, rows);
        assertRowsRead(batch, rows);
    }

    @Test
    void clearedBatchStartsEveryFieldNullAgain() {
        EventBatch batch = new EventBatch(SCHEMA, 64);
        List<Object[]> first = rows(2, 130);
        fill(batch, first);
        batch.clear();
        assertEquals(0, batch.size());
        List<Object[]> second = rows(3, 70);
        fill(batch, second);
        assertRowsRead(batch, second);
        int r = batch.addRow();
        for (int f = 0; f < SCHEMA.size(); f++) {
            assertTrue(batch.isNull(r, f), "a new row starts null in field " + f);
            assertNull(batch.getObject(r, f));
        }
    }

    @Test
    void settersConvertBetweenNumericTypesOfTheField() {
        EventBatch batch = new EventBatch(SCHEMA, 4);
        int r = batch.addRow();
        batch.setDouble(r, 1, 7.9); // int64 field: truncated
        batch.setLong(r, 2, 3); // float64 field
        batch.setLong(r, 4, -12);
        batch.setString(r, 0, null); // stays null
        batch.setObject(r, 3, null); // stays null
        assertAll(
                () -> assertEquals(7L, batch.getObject(r, 1)),
                () -> assertEquals(3.0, batch.getObject(r, 2)),
                () -> assertEquals(-12L, batch.getObject(r, 4)),
                () -> assertTrue(batch.isNull(r, 0)),
                () -> assertTrue(batch.isNull(r, 3)),
                () -> assertFalse(batch.isNull(r, 1)));
        assertEquals(SCHEMA, batch.schema());
    }

    @Test
    void cursorCanMoveBetweenBatches() {
        EventBatch a = new EventBatch(SCHEMA, 2);
        EventBatch b = new EventBatch(SCHEMA, 2);
        fill(a, List.<Object[]>of(new Object[] {"in-a", 1L, 1.5, true, 10L}));
        fill(b, List.<Object[]>of(new Object[] {null, null, null, false, null}, new Object[] {"in-b", 2L, null, null, 20L}));
        EventBatch.Cursor c = new EventBatch.Cursor();
        assertEquals("in-a", c.at(a, 0).getObject(0));
        assertTrue(c.at(b, 0).isNull(0));
        assertFalse(c.at(b, 0).getBool(3));
        assertEquals(20L, c.at(b, 1).getLong(4));
        assertTrue(c.at(a, 0).getBool(3));
    }
}
