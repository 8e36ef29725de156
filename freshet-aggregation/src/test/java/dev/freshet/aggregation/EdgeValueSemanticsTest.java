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
 * signed zeros (min/max must not depend on tiling; distinct values count 0.0 and -0.0 once) and the
 * type of the created-timestamp tie-breaker.
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
