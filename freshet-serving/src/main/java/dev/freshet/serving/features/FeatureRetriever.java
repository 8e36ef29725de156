package dev.freshet.serving.features;

import dev.freshet.aggregation.FeatureVector;
import dev.freshet.aggregation.Status;
import dev.freshet.aggregation.state.CompositeKey;
import dev.freshet.model.expr.ArrayRow;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.spec.Field;
import dev.freshet.model.spec.FieldType;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Executes a {@link FeaturePlan} for one entity row at read time {@code t}: reads each needed view
 * once, then fills every output column with value, status and event timestamp, computing on-demand
 * features from request fields and the values just read (the same expression code the offline path
 * uses). A value that is not a finite number (NaN from {@code 0.0 / 0.0} in an on-demand feature,
 * an infinite sum) is absent: null with status {@code NULL_VALUE}, never served as present.
 */
public final class FeatureRetriever {
    private final FeatureSource source;

    public FeatureRetriever(FeatureSource source) {
        this.source = source;
    }

    /** One served row: per output column a value (null unless PRESENT), a status and an event time. */
    public record Row(Object[] values, Status[] statuses, long[] eventTimes) {
    }

    /**
     * Where an entity row's values are in the request, for the pointers of errors about them: a
     * row of the native endpoint is an object ({@link #object}); Feast's rows are columns.
     */
    public interface RowPointer {
        /** Where a member missing from the row is reported. */
        String missing();

        /** The value of member {@code name} of the row. */
        String member(String name);

        /** A row that is the JSON object at {@code pointer}. */
        static RowPointer object(String pointer) {
            return new RowPointer() {
                @Override
                public String missing() {
                    return pointer;
                }

                @Override
                public String member(String name) {
                    return pointer + "/" + name;
                }
            };
        }
    }

    /**
     * @param entity join-key values and request fields of this row, by name (JSON-decoded: String,
     *               Long, Double, Boolean, BigInteger beyond the int64 range)
     * @param pointer where this row is in the request (a JSON object), for error messages
     */
    public Row retrieve(FeaturePlan plan, Map<String, Object> entity, long t, String pointer) {
        return retrieve(plan, entity, t, RowPointer.object(pointer));
    }

    /** {@link #retrieve(FeaturePlan, Map, long, String)} for a row wherever {@code pointer} says it is. */
    public Row retrieve(FeaturePlan plan, Map<String, Object> entity, long t, RowPointer pointer) {
        List<FeaturePlan.ViewRead> reads = plan.views();
        FeatureVector[] vectors = new FeatureVector[reads.size()];
        for (int v = 0; v < reads.size(); v++) {
            FeaturePlan.ViewRead read = reads.get(v);
            vectors[v] = new FeatureVector(read.features(), read.wanted());
            source.read(read.view(), key(read.joinKeys(), entity, pointer), t, vectors[v]);
        }
        int n = plan.columns().size();
        Object[] values = new Object[n];
        Status[] statuses = new Status[n];
        long[] times = new long[n];
        for (int c = 0; c < n; c++) {
            switch (plan.columns().get(c)) {
                case FeaturePlan.Windowed w -> {
                    FeatureVector vec = vectors[w.viewSlot()];
                    statuses[c] = vec.status(w.feature());
                    values[c] = vec.value(w.feature());
                    times[c] = vec.eventTime(w.feature());
                }
                case FeaturePlan.OnDemand od -> {
                    Object[] row = new Object[od.slots().length];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = od.slots()[i] < 0
                                ? requestField(plan.requestFields().get(od.indexes()[i]), entity, pointer)
                                : vectors[od.slots()[i]].value(od.indexes()[i]);
                    }
                    evaluate(od.expr(), new ArrayRow(row), values, statuses, c);
                    times[c] = FeatureVector.NO_TIMESTAMP;
                }
            }
            if (values[c] instanceof Double d && !Double.isFinite(d)) { // not a value: absent, never faked
                values[c] = null;
                statuses[c] = Status.NULL_VALUE;
            }
        }
        return new Row(values, statuses, times);
    }

    private static void evaluate(CompiledExpr expr, ArrayRow row, Object[] values, Status[] statuses, int c) {
        if (expr.isNull(row)) {
            statuses[c] = Status.NULL_VALUE;
            return;
        }
        statuses[c] = Status.PRESENT;
        values[c] = switch (expr.type()) {
            case FLOAT64 -> expr.evalDouble(row);
            case INT64, TIMESTAMP -> expr.evalLong(row);
            case BOOL -> expr.evalBool(row);
            case STRING -> expr.evalObject(row);
        };
    }

    /**
     * The entity key a view is read with for this row: the join-key value (typed), or a
     * {@link CompositeKey} for composite keys; 400 if a key is missing or mistyped.
     */
    public static Object key(List<Field> joinKeys, Map<String, Object> entity, String pointer) {
        return key(joinKeys, entity, RowPointer.object(pointer));
    }

    private static Object key(List<Field> joinKeys, Map<String, Object> entity, RowPointer pointer) {
        if (joinKeys.size() == 1) {
            return typed(joinKeys.getFirst(), entity, pointer, true);
        }
        Object[] parts = new Object[joinKeys.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = typed(joinKeys.get(i), entity, pointer, true);
        }
        return new CompositeKey(parts);
    }

    private static Object requestField(Field f, Map<String, Object> entity, RowPointer pointer) {
        return typed(f, entity, pointer, false);
    }

    /** The value of field {@code f} in the row, converted to the field's type; 400 if it does not fit. */
    private static Object typed(Field f, Map<String, Object> entity, RowPointer pointer, boolean required) {
        Object v = entity.get(f.name());
        if (v == null) {
            if (required || !entity.containsKey(f.name())) {
                throw new RequestException(400, "missing " + (required ? "join key" : "request field") + " '" + f.name()
                        + "' (" + f.type().yamlName() + ")", pointer.missing());
            }
            return null;
        }
        Object converted = convert(f.type(), v);
        if (converted == null) {
            String got = v instanceof BigInteger ? "integer " + v + " (beyond the int64 range)"
                    : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
            throw new RequestException(400, "'" + f.name() + "' must be " + f.type().yamlName() + ", got " + got,
                    pointer.member(f.name()));
        }
        return converted;
    }

    /** {@code v} as a value of {@code type}, or null if it is none: a float64 takes any number (as the nearest double). */
    private static Object convert(FieldType type, Object v) {
        return switch (type) {
            case STRING -> v instanceof String ? v : null;
            case INT64, TIMESTAMP -> v instanceof Long || v instanceof Integer ? ((Number) v).longValue() : null;
            case FLOAT64 -> v instanceof Number n ? n.doubleValue() : null;
            case BOOL -> v instanceof Boolean ? v : null;
        };
    }
}
