package dev.freshet.testkit;

import dev.freshet.model.expr.CompiledExpr;
import dev.freshet.model.expr.Row;
import dev.freshet.model.spec.FieldType;
import dev.freshet.model.spec.Schema;

/**
 * Compiles bare field names only: lets the aggregation core's tests run without the expression
 * compiler (whose own tests prove its direct forms against CEL).
 */
public final class FieldReferences {
    private FieldReferences() {
    }

    public static CompiledExpr compile(String field, Schema schema) {
        int index = schema.indexOf(field);
        if (index < 0) {
            throw new IllegalArgumentException("unknown field " + field);
        }
        FieldType type = schema.field(index).type();
        return new CompiledExpr() {
            @Override
            public FieldType type() {
                return type;
            }

            @Override
            public String text() {
                return field;
            }

            @Override
            public boolean isNull(Row row) {
                return row.isNull(index);
            }

            @Override
            public double evalDouble(Row row) {
                return row.getDouble(index);
            }

            @Override
            public long evalLong(Row row) {
                return row.getLong(index);
            }

            @Override
            public boolean evalBool(Row row) {
                return row.getBool(index);
            }

            @Override
            public Object evalObject(Row row) {
                return row.getObject(index);
            }

            @Override
            public boolean isDirect() {
                return true;
            }
        };
    }
}
