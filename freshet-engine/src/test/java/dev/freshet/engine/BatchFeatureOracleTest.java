package dev.freshet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.engine.checkpoint.TableCodec;
import dev.freshet.model.expr.ArrayRow;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.testkit.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Latest-value (batch) features against a brute-force scan: at read time {@code t} the value is the
 * row of the key with the greatest (event time, created, arrival) among rows with
 * {@code event_time <= t} accepted by {@code t}; {@code t - event_time > ttl} → OUTSIDE_MAX_AGE; a null
 * in that row → NULL_VALUE; no row → NOT_FOUND. Seeded streams with ties on event time and created
 * timestamp, rows at exactly the read time, out-of-order backfills older than any lateness, nulls,
 * and reads exactly at and one past the TTL boundary.
 */
class BatchFeatureOracleTest {
    static final Schema SCHEMA = Schema.of(Field.required("customer_id", FieldType.STRING),
            Field.required("updated_at", FieldType.TIMESTAMP), Field.optional("created_at", FieldType.INT64),
            Field.optional("credit_limit", FieldType.FLOAT64), Field.optional("orders", FieldType.INT64),
            Field.optional("segment", FieldType.STRING), Field.optional("vip", FieldType.BOOL));
    static final long TTL = 5_000;
    static final List<String> FEATURES = List.of("credit_limit", "orders", "segment", "vip", "limit_per_order");

    record Rec(long seq, long accept, Object[] values) {
        long time() {
            return (Long) values[1];
        }

        long created() {
            return values[2] == null ? Long.MIN_VALUE : (Long) values[2];
        }
    }

    static LongStream seeds() {
        return Seeds.of(20_261_126_77L, 8);
    }

    static TileTable table() {
        SourceSpec source = new SourceSpec("customers", SourceKind.BATCH, SCHEMA, "updated_at", Duration.ofMillis(100), null,
                Duration.ofHours(1), Map.of(ViewCompiler.CREATED_FIELD_OPTION, "created_at"), "");
        EntitySpec entity = new EntitySpec("customer", List.of(Field.required("customer_id", FieldType.STRING)), "");
        FeatureViewSpec view = new FeatureViewSpec("customer_profile", "customer", "customers", List.of(),
                List.of(new BatchFeatureSpec("credit_limit", "credit_limit", ""), new BatchFeatureSpec("orders", "orders", ""),
                        new BatchFeatureSpec("segment", "segment", ""), new BatchFeatureSpec("vip", "vip", ""),
                        new BatchFeatureSpec("limit_per_order", "credit_limit / double(orders)", "")),
                Duration.ofMillis(TTL), Map.of(), "");
        CompiledView compiled = ViewCompiler.compile(view, source, entity, new ExpressionCompiler()::compile);
        return new TileTable(compiled, 16);
    }

    static SourceSpec source(TileTable table) {
        return new SourceSpec("customers", SourceKind.BATCH, SCHEMA, "updated_at", Duration.ofMillis(100), null,
                Duration.ofHours(1), Map.of(ViewCompiler.CREATED_FIELD_OPTION, "created_at"), "");
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void latestRowWithinTtlMatchesABruteForceScan(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TileTable table = table();
        SourceDriver driver = new SourceDriver(source(table), List.of(table), letter -> { }, 1);
        List<Rec> offered = new ArrayList<>();
        List<String> keys = List.of("a", "b", "c", "never");
        long clock = 1_000_000;
        long lastTime = clock;
        FeatureVector out = new FeatureVector(FEATURES.size());
        TileTable.Reader reader = table.newReader();
        for (int i = 0; i < 400; i++) {
            clock += r.nextInt(4) == 0 ? r.nextLong(0, 3_000) : 0;
            int kind = r.nextInt(10);
            long time = kind == 0 ? lastTime // tie on event time
                    : kind == 1 ? clock - r.nextLong(0, 60_000) // backfill far behind any lateness
                    : kind == 2 ? clock + r.nextLong(0, 2_000) // dated ahead of the clock: held until its time
                    : kind == 3 ? clock // exactly now
                    : clock - r.nextLong(0, 3_000);
            lastTime = time;
            Object[] v = {keys.get(r.nextInt(3)), time, r.nextInt(5) == 0 ? null : (long) r.nextInt(3),
                    r.nextInt(6) == 0 ? null : (double) r.nextInt(1000), r.nextInt(6) == 0 ? null : (long) r.nextInt(5),
                    r.nextInt(6) == 0 ? null : "s" + r.nextInt(3), r.nextInt(6) == 0 ? null : r.nextBoolean()};
            Verdict verdict = driver.offer(new ArrayRow(v), 0, i, clock, null);
            assertEquals(true, verdict.accepted(), "batch rows are never late: " + verdict);
            offered.add(new Rec(i, clock, v));
            if (r.nextInt(5) == 0) {
                long[] times = {clock, clock + r.nextLong(0, 8_000)};
                for (long t : times) {
                    driver.advanceTo(t);
                    clock = Math.max(clock, t);
                    for (String key : keys) {
                        table.read(key, t, out, reader);
                        check(offered, key, t, out, "seed=" + seed + " i=" + i);
                    }
                }
            }
        }
        // the checkpoint codec keeps latest rows exactly (strings, nulls, created, seq)
        TileTable restored = TableCodec.decode(TableCodec.encode(table), table.view());
        TileTable.Reader restoredReader = restored.newReader();
        FeatureVector again = new FeatureVector(FEATURES.size());
        for (long t : new long[] {clock, clock + TTL, clock + TTL + 1}) {
            for (String key : keys) {
                table.read(key, t, out, reader);
                restored.read(key, t, again, restoredReader);
                for (int f = 0; f < FEATURES.size(); f++) {
                    assertEquals(out.status(f), again.status(f), key + " " + FEATURES.get(f));
                    assertEquals(out.value(f), again.value(f), key + " " + FEATURES.get(f));
                    assertEquals(out.eventTime(f), again.eventTime(f), key + " " + FEATURES.get(f));
                }
            }
        }
    }

    /** The brute-force answer for one key at {@code t}, compared with what the table read. */
    static void check(List<Rec> offered, String key, long t, FeatureVector out, String where) {
        Rec best = null;
        for (Rec rec : offered) {
            if (!rec.values()[0].equals(key) || rec.accept() > t || rec.time() > t) {
                continue;
            }
            if (best == null || rec.time() > best.time() || (rec.time() == best.time() && (rec.created() > best.created()
                    || (rec.created() == best.created() && rec.seq() > best.seq())))) {
                best = rec;
            }
        }
        for (int f = 0; f < FEATURES.size(); f++) {
            String what = where + " key=" + key + " t=" + t + " " + FEATURES.get(f);
            if (best == null) {
                assertEquals(Status.NOT_FOUND, out.status(f), what);
                continue;
            }
            assertEquals(best.time(), out.eventTime(f), what + " event time");
            if (t - best.time() > TTL) {
                assertEquals(Status.OUTSIDE_MAX_AGE, out.status(f), what);
                continue;
            }
            Object want = f < 4 ? best.values()[3 + f] : perOrder(best);
            if (want == null) {
                assertEquals(Status.NULL_VALUE, out.status(f), what);
            } else {
                assertEquals(Status.PRESENT, out.status(f), what);
                assertEquals(want, out.value(f), what);
            }
        }
    }

    private static Object perOrder(Rec rec) {
        Double limit = (Double) rec.values()[3];
        Long orders = (Long) rec.values()[4];
        return limit == null || orders == null ? null : limit / orders.doubleValue();
    }

    @Test
    void ttlBoundaryIsInclusiveAndARowCountsFromItsOwnTime() {
        TileTable table = table();
        SourceDriver driver = new SourceDriver(source(table), List.of(table), letter -> { }, 1);
        FeatureVector out = new FeatureVector(FEATURES.size());
        TileTable.Reader reader = table.newReader();
        long t0 = 10_000;
        // dated at t0, accepted earlier: not visible before t0, visible at exactly t0
        driver.offer(new ArrayRow(new Object[] {"a", t0, null, 100.0, 4L, "gold", true}), 0, 0, t0 - 500, null);
        driver.advanceTo(t0 - 1);
        table.read("a", t0 - 1, out, reader);
        assertEquals(Status.NOT_FOUND, out.status(0), "a row is not visible before its event time");
        driver.advanceTo(t0);
        table.read("a", t0, out, reader);
        assertEquals(100.0, out.value(0), "visible at exactly its event time (event_time <= t)");
        assertEquals(25.0, out.value(4));
        table.read("a", t0 + TTL, out, reader);
        assertEquals(Status.PRESENT, out.status(0), "age == ttl is within the ttl");
        table.read("a", t0 + TTL + 1, out, reader);
        assertEquals(Status.OUTSIDE_MAX_AGE, out.status(0), "age > ttl");
        assertEquals(Status.OUTSIDE_MAX_AGE, out.status(2));
        assertEquals(t0, out.eventTime(0));
        // a newer row with a null wins: NULL_VALUE, not the older value
        driver.offer(new ArrayRow(new Object[] {"a", t0 + 1, null, null, 4L, "gold", true}), 0, 1, t0 + 2, null);
        driver.advanceTo(t0 + 3);
        table.read("a", t0 + 3, out, reader);
        assertEquals(Status.NULL_VALUE, out.status(0));
        assertEquals(Status.NULL_VALUE, out.status(4));
        assertEquals(Objects.requireNonNull(out.value(2)), "gold");
    }
}
