package dev.freshet.model.expr.internal;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;
import dev.cel.runtime.Program;
import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CompiledExpr} evaluated by the CEL interpreter (about a microsecond per call and a few
 * allocations): the fallback for shapes without a direct form and the oracle the direct form is
 * tested against. Null fields are left out of the activation, which CEL treats as unknown; an
 * unknown or error result is reported as null. Every getter evaluates the program again, so slow
 * paths should call {@link #evalObject} once.
 */
public final class CelFallbackExpr implements CompiledExpr {
    private final Program program;
    private final FieldType type;
    private final String text;
    private final Schema schema;
    private final Map<String, Integer> indexByName;
    private final int fieldIndex;

    public CelFallbackExpr(Program program, FieldType type, String text, Schema schema, int fieldIndex) {
        this.program = program;
        this.type = type;
        this.text = text;
        this.schema = schema;
        this.fieldIndex = fieldIndex;
        this.indexByName = new HashMap<>();
        for (int i = 0; i < schema.size(); i++) {
            indexByName.put(schema.field(i).name(), i);
        }
    }

    @Override
    public FieldType type() {
        return type;
    }

    @Override
    public String text() {
        return text;
    }

    @Override
    public boolean isDirect() {
        return false;
    }

    @Override
    public int fieldIndex() {
        return fieldIndex;
    }

    @Override
    public boolean isNull(Row row) {
        return evalObject(row) == null;
    }

    @Override
    public double evalDouble(Row row) {
        requireType("double", FieldType.FLOAT64, FieldType.INT64, FieldType.TIMESTAMP);
        return ((Number) require(row)).doubleValue();
    }

    @Override
    public long evalLong(Row row) {
        requireType("long", FieldType.INT64, FieldType.TIMESTAMP);
        return ((Number) require(row)).longValue();
    }

    @Override
    public boolean evalBool(Row row) {
        requireType("bool", FieldType.BOOL);
        return (Boolean) require(row);
    }

    private void requireType(String getter, FieldType... accepted) {
        for (FieldType t : accepted) {
            if (t == type) {
                return;
            }
        }
        throw new IllegalStateException("expression '" + text + "' has type " + type.yamlName() + "; it has no "
                + getter + " value");
    }

    @Override
    public Object evalObject(Row row) {
        try {
            Object value = program.eval((CelVariableResolver) name -> resolve(row, name));
            return value instanceof CelUnknownSet ? null : value;
        } catch (CelEvaluationException e) {
            return null;
        }
    }

    private Object require(Row row) {
        Object value = evalObject(row);
        if (value == null) {
            throw new IllegalStateException("expression '" + text + "' is null for this row; check isNull first");
        }
        return value;
    }

    private Optional<Object> resolve(Row row, String name) {
        Integer index = indexByName.get(name);
        if (index == null || row.isNull(index)) {
            return Optional.empty();
        }
        return Optional.of(switch (schema.field(index).type()) {
            case STRING -> row.getObject(index);
            case INT64, TIMESTAMP -> row.getLong(index);
            case FLOAT64 -> row.getDouble(index);
            case BOOL -> row.getBool(index);
        });
    }

    @Override
    public String toString() {
        return "cel[" + type.yamlName() + "] " + text;
    }
}
