package dev.freshet.aggregation;

import static dev.freshet.aggregation.ViewFixture.agg;
import static dev.freshet.aggregation.ViewFixture.hopping;
import static dev.freshet.aggregation.ViewFixture.lifetime;
import static dev.freshet.aggregation.ViewFixture.txn;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshet.aggregation.plan.CompiledView;
import dev.freshet.aggregation.plan.ViewCompiler;
import dev.freshet.aggregation.state.TileTable;
import dev.freshet.model.spec.AggregationFunction;
import dev.freshet.model.spec.BatchFeatureSpec;
import dev.freshet.model.spec.EntitySpec;
import dev.freshet.model.spec.FeatureViewSpec;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import dev.freshet.model.spec.SourceKind;
import dev.freshet.model.spec.SourceSpec;
import dev.freshet.testkit.FieldReferences;
import dev.freshet.testkit.TestRow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Edge values of DESIGN §3 the oracle properties do not generate: extreme times in the TTL check,
 * signed zeros (min/max must not depend on tiling; distinct values count 0.0 and -0.0 once), the
 * empty string as a distinct value, float64 values whose deviations overflow, the order in which
 * float64 sums add tiles, and the type of the created-timestamp tie-breaker.
 */
class EdgeValueSemanticsTest {

    /**
     * Batch features: the TTL check is documented as "computed without overflow for extreme times",
     * but uses Math.subtractExact, which throws for a very old row read at a late time.
     */
    @Test
    void latestValueTtlCheckDoesNotThrowForExtremeTimes() {
        Schema schema = Schema.of(Field.required("customer_id", FieldType.STRING),
                Field.required("updated_at", FieldType.TIMESTAMP), Field.optional("credit_limit", FieldType.FLOAT64));
        SourceSpec source = new SourceSpec("customers", SourceKind.BATCH, schema, "updated_at", Duration.ofMillis(100), null,
                Duration.ofHours(1), Map.of(), "");
        EntitySpec entity = new EntitySpec("customer", List.of(Field.required("customer_id", FieldType.STRING)), "");
        FeatureViewSpec view = new FeatureViewSpec("profile", "customer", "customers", List.of(),
                List.of(new BatchFeatureSpec("credit_limit", "credit_limit", "")), Duration.ofHours(1), Map.of(), "");
        CompiledView compiled = ViewCompiler.compile(view, source, entity, FieldReferences::compile);
        TileTable table = new TileTable(compiled, 4);
        table.apply(new TestRow(new Object[] {"c", Long.MIN_VALUE + 1, 5.0}), 0);
        FeatureVector out = new FeatureVector(1);
        TileTable.Reader reader = table.newReader();
        long now = 1_700_000_000_000L;
        assertDoesNotThrow(() -> table.read("c", now, out, reader));
        assertEquals(Status.OUTSIDE_MAX_AGE, out.status(0));
    }

    /**
     * max over {-0.0, 0.0}: the same two events read different bits depending on whether they share
     * a tile (hop 1s) or not (hop 1ms), because the primitive comparison treats the zeros as equal and
     * keeps whichever was merged first. The oracle (Double.compare) says 0.0; its harness compares
     * with an absolute tolerance, so it cannot see this.
     */
    @Test
    void maxOfSignedZerosDoesNotDependOnTiling() {
        ViewFixture f = ViewFixture.of(agg("max_hop", AggregationFunction.MAX, "amount", hopping(10_000, 1_000)),
                agg("max_sliding", AggregationFunction.MAX, "amount", hopping(10_000, 1)),
                agg("min_hop", AggregationFunction.MIN, "amount", hopping(10_000, 1_000)),
                agg("min_sliding", AggregationFunction.MIN, "amount", hopping(10_000, 1)));
        f.apply(txn("c", 1_001, -0.0));
        f.apply(txn("c", 1_002, 0.0));
        FeatureVector v = f.read("c", 2_000);
        double maxHop = v.getDouble(f.index("max_hop"));
        double maxSliding = v.getDouble(f.index("max_sliding"));
        double minHop = v.getDouble(f.index("min_hop"));
        double minSliding = v.getDouble(f.index("min_sliding"));
        assertEquals(Double.doubleToRawLongBits(maxSliding), Double.doubleToRawLongBits(maxHop),
                "max hop=1s " + maxHop + " vs hop=1ms " + maxSliding);
        assertEquals(Double.doubleToRawLongBits(minSliding), Double.doubleToRawLongBits(minHop),
                "min hop=1s " + minHop + " vs hop=1ms " + minSliding);
    }

    /**
     * count_distinct over {0.0, -0.0}: the two zeros are equal numbers (and approx_count_distinct,
     * like the library, counts them once), but the exact count keeps both (Double.equals).
     */
    @Test
    void countDistinctCountsSignedZerosOnceLikeApproxCountDistinct() {
        ViewFixture f = ViewFixture.of(agg("exact", AggregationFunction.COUNT_DISTINCT, "amount", lifetime()),
                agg("approx", AggregationFunction.APPROX_COUNT_DISTINCT, "amount", lifetime()));
        f.apply(txn("c", 1_000, 0.0));
        f.apply(txn("c", 1_001, -0.0));
        FeatureVector v = f.read("c", 2_000);
        assertEquals(1L, v.getLong(f.index("approx")));
        assertEquals(1L, v.getLong(f.index("exact")), "0.0 and -0.0 are one distinct value");
    }

    // approx_count_distinct silently ignores the empty string: a window of {"", "a"} reads 1 (and a window of only "" reads 0) where count_distinct reads 2, far outside the ~1.6% error bound.
    @Test
    void approxCountDistinctCountsTheEmptyStringAsAValue() {
        ViewFixture f = ViewFixture.of(
                agg("approx", AggregationFunction.APPROX_COUNT_DISTINCT, "merchant", hopping(10_000, 1_000)),
                agg("exact", AggregationFunction.COUNT_DISTINCT, "merchant", hopping(10_000, 1_000)));
        f.apply(txn("c", 1_000, "", 1.0, null, true));
        f.apply(txn("c", 2_000, "a", 1.0, null, true));
        assertEquals(2L, f.value("c", 3_000, "exact"));
        // HLL is exact at this cardinality (its coupon list holds each distinct item)
        assertEquals(2L, f.value("c", 3_000, "approx"), "approx_count_distinct of {\"\", \"a\"}");
    }

    // stddev of {1e308, -1e308} is served as 0.0 (the Welford delta overflows to -Infinity and M2 becomes -Infinity, clamped to 0), whereas the true value is ~1.41e308 (a two-pass double computation gives +Infinity).
    @Test
    void stddevOfValuesWhoseDifferenceOverflowsIsNotZero() {
        ViewFixture f = ViewFixture.of(
                agg("sd", AggregationFunction.STDDEV, "amount", hopping(10_000, 1_000)),
                agg("var_pop", AggregationFunction.VARIANCE_POP, "amount", hopping(10_000, 1_000)));
        f.apply(txn("c", 1_000, 1e308));
        f.apply(txn("c", 1_500, -1e308));
        double sd = (Double) f.value("c", 2_000, "sd");
        double varPop = (Double) f.value("c", 2_000, "var_pop");
        assertTrue(sd > 1e308, "sample stddev of {1e308, -1e308} is ~1.414e308 (or +Infinity in double), got " + sd);
        assertTrue(varPop > 1e308, "population variance of {1e308, -1e308} is 1e616 (+Infinity in double), got " + varPop);
    }

    /**
     * float64 sums (docs/AGGREGATION.md): a tile adds its events in application order, a read adds
     * the window's tiles newest first. So 1e16, 1, 1 read 1e16 from one tile (each 1 is lost to
     * rounding) and 1e16 + 2 from three (the ones are added first): the same events can read
     * different bits under different hops, while one view reads the same bits in every driver.
     */
    @Test
    void float64SumAddsTheTilesOfAWindowNewestFirst() {
        ViewFixture f = ViewFixture.of(agg("one_tile", AggregationFunction.SUM, "amount", hopping(10_000, 5_000)),
                agg("three_tiles", AggregationFunction.SUM, "amount", hopping(10_000, 1_000)));
        f.apply(txn("c", 1_000, 1e16));
        f.apply(txn("c", 2_000, 1.0));
        f.apply(txn("c", 3_000, 1.0));
        assertEquals(1e16, f.value("c", 4_000, "one_tile"));
        assertEquals(1e16 + 2, f.value("c", 4_000, "three_tiles"));
    }

    /**
     * Batch features, DESIGN §3: equal event times are broken by the created timestamp, compared as
     * epoch milliseconds. A float64 created field would be truncated (5.7 and 5.2 would tie), so the
     * compiler refuses any type but int64 and timestamp (validation reports it too).
     */
    @Test
    void createdTimestampFieldMustBeATimestampOrInt64() {
        Schema schema = Schema.of(Field.required("customer_id", FieldType.STRING),
                Field.required("updated_at", FieldType.TIMESTAMP), Field.optional("created_s", FieldType.FLOAT64),
                Field.optional("credit_limit", FieldType.FLOAT64));
        SourceSpec source = new SourceSpec("customers", SourceKind.BATCH, schema, "updated_at", Duration.ofMillis(100), null,
                Duration.ofHours(1), Map.of(ViewCompiler.CREATED_FIELD_OPTION, "created_s"), "");
        EntitySpec entity = new EntitySpec("customer", List.of(Field.required("customer_id", FieldType.STRING)), "");
        FeatureViewSpec view = new FeatureViewSpec("profile", "customer", "customers", List.of(),
                List.of(new BatchFeatureSpec("credit_limit", "credit_limit", "")), null, Map.of(), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ViewCompiler.compile(view, source, entity, FieldReferences::compile));
        assertTrue(e.getMessage().contains("created_s"), e.getMessage());
    }
}
